import CoClickLua
import CoClickPOSIX
import Foundation
import Glibc

/// A result longer than the screen goes through `$PAGER` (default `less -FRX`), as psql and git
/// page: only when standard output is a terminal. A pager quit before the end (`q` in less, a
/// pager that reads a few lines) is no error: what it did not read is dropped, the REPL goes on.
struct Pager {
    /// The command, nil when paging is off (`PAGER` set empty, or `cat`, as git reads it).
    let command: String?
    let environment: [String: String]

    static let defaultCommand = "less -FRX"

    init(environment: [String: String]) {
        self.environment = environment
        let chosen = environment["PAGER"] ?? Self.defaultCommand
        let trimmed = chosen.trimmingCharacters(in: .whitespaces)
        command = trimmed.isEmpty || trimmed == "cat" ? nil : trimmed
    }

    /// Rows `text` takes on a screen `columns` wide (long lines wrap), counting no further than `limit`.
    static func rows(of text: String, columns: Int, limit: Int) -> Int {
        var rows = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            rows += max(1, (line.count + columns - 1) / max(columns, 1))
            if rows > limit { break }
        }
        return rows
    }

    /// Shows `text` (a newline is added) through the pager when it needs one; false when the
    /// caller is to print it (short, paging off, not a terminal, or no pager could run).
    func show(_ text: String) -> Bool {
        guard let command, let screen = Terminal.size() else { return false }
        // One row stays for the prompt that follows.
        guard Self.rows(of: text, columns: screen.columns, limit: screen.rows) > screen.rows - 1 else { return false }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return false }
        // Neither end may leak into the pager as an extra descriptor: it gets the read end by dup2.
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        fflush(nil)
        guard let pid = ForegroundProgram(command: command, environment: environment).start(input: ends[0]) else {
            close(ends[0])
            close(ends[1])
            return false
        }
        close(ends[0])
        Self.writeAll(text + "\n", to: ends[1])  // short when the pager quit early: no error
        close(ends[1])
        let status = ForegroundProgram.wait(pid)
        // 126/127: the shell found no such pager (what it was sent sat unread in the pipe):
        // print the result instead.
        return status != 126 && status != 127
    }

    /// Writes `text` to `fd` until done or the reader has gone (EPIPE, with SIGPIPE ignored
    /// meanwhile so that a pager quit early cannot end the REPL); whether all of it was written.
    @discardableResult
    static func writeAll(_ text: String, to fd: Int32) -> Bool {
        BrokenPipes.ignoring { FileDescriptorOutput.writeAll(text, to: fd) }
    }
}
