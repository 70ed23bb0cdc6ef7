import Foundation
import Glibc

/// `edit()`: the last entry opened in `$VISUAL` or `$EDITOR` (else `vi`, as git and fc choose),
/// in a temporary file of mode 0600 removed afterwards; what is saved runs as the next entry.
struct EntryEditor {
    var environment: [String: String]
    /// A saved file larger than this is refused (a runaway editor, a pasted blob).
    var maxBytes = 1 << 20

    enum Outcome: Equatable {
        /// The saved text, without its trailing newlines.
        case saved(String)
        /// Saved empty: nothing runs.
        case empty
        /// Why nothing runs (the editor failed, the file could not be written or read).
        case failed(String)
    }

    var command: String {
        for name in ["VISUAL", "EDITOR"] {
            if let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty { return value }
        }
        return "vi"
    }

    func edit(_ text: String) -> Outcome {
        let directory = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((directory + "/coclick-edit-XXXXXX.lua").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, 4) }
        guard fd >= 0 else { return .failed("edit: cannot create a file in \(directory): \(String(cString: strerror(errno)))") }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(path) }
        fchmod(fd, 0o600)
        let written = Pager.writeAll(text.isEmpty ? "" : text + "\n", to: fd)
        close(fd)
        guard written else {
            return .failed("edit: cannot write \(path)")
        }
        fflush(nil)
        let editor = command
        guard let status = ForegroundProgram(command: editor, arguments: [path], environment: environment).run() else {
            return .failed("edit: cannot start \(editor)")
        }
        guard status == 0 else { return .failed("edit: \(editor) exited with status \(status); nothing was run") }
        guard let saved = read(path) else { return .failed("edit: cannot read \(path) back, or it is over \(maxBytes) bytes") }
        var chunk = Substring(saved)
        while let last = chunk.last, last.isNewline || last == " " || last == "\t" { chunk = chunk.dropLast() }
        return chunk.allSatisfy(\.isWhitespace) ? .empty : .saved(String(chunk))
    }

    /// The file's text (the editor may have replaced it by another file: it is opened anew).
    private func read(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        do {
            let data = try handle.read(upToCount: maxBytes + 1) ?? Data()  // nil: an empty file
            return data.count <= maxBytes ? String(decoding: data, as: UTF8.self) : nil
        } catch {
            return nil
        }
    }
}
