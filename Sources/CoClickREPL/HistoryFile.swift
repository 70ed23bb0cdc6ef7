import CoClickPOSIX
import Foundation
import Glibc

/// REPL history across sessions: one entry per line of a file (a multi-line entry has its
/// newlines escaped as `\n`, and backslashes as `\\`), appended after each entry, mode 0600,
/// its directory created. Entries that mention `secret`, or hold a known secret value, are never
/// written; the file is cut to its last `limit` entries when loaded.
struct HistoryFile {
    let path: String
    var limit: Int = 1000
    /// Longer entries (a pasted data blob) are not kept.
    var maxEntryBytes: Int = 64 * 1024
    /// The run's redaction: an entry it changes holds the key or a token.
    var redact: @Sendable (String) -> String = { $0 }

    /// Whether `entry` may be kept: not blank, not too long, no mention of a secret, no secret.
    func keeps(_ entry: String) -> Bool {
        if entry.allSatisfy(\.isWhitespace) { return false }
        if entry.utf8.count > maxEntryBytes { return false }
        if entry.range(of: "secret", options: .caseInsensitive) != nil { return false }
        return redact(entry) == entry
    }

    /// The most of the file's tail read at start: a history file grown by hand or by another
    /// program is not read whole into memory.
    var maxFileBytes: Int = 4 << 20

    /// The entries in the file, oldest first (none when it does not exist yet). Rewrites the
    /// file when it holds more than `limit` (or more than `maxFileBytes`: the oldest are dropped).
    func load() -> [String] {
        guard let (data, cut) = readTail() else { return [] }
        var entries = String(decoding: data, as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: true)
            .map { Self.decode(String($0)) }
            .filter(keeps)
        if entries.count > limit || cut {
            entries.removeFirst(max(0, entries.count - limit))
            rewrite(entries)
        }
        return entries
    }

    /// The last `maxFileBytes` of the file, from a line start; `cut` when older lines were left out.
    private func readTail() -> (data: Data, cut: Bool)? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return nil }
        let start = size > UInt64(maxFileBytes) ? size - UInt64(maxFileBytes) : 0
        guard (try? handle.seek(toOffset: start)) != nil, var data = try? handle.readToEnd() else { return (Data(), false) }
        if start > 0, let newline = data.firstIndex(of: UInt8(ascii: "\n")) {
            data = data[data.index(after: newline)...]  // the first line is partial
        }
        return (data, start > 0)
    }

    /// Appends one entry (when it may be kept).
    func append(_ entry: String) {
        guard keeps(entry) else { return }
        guard createDirectory() else { return }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        fchmod(fd, 0o600)
        FileDescriptorOutput.writeAll(Self.encode(entry) + "\n", to: fd)
    }

    /// Replaces the file with `entries` (atomically: a 0600 temporary file renamed over it).
    private func rewrite(_ entries: [String]) {
        guard createDirectory() else { return }
        let temporary = path + ".\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        let text = entries.map { Self.encode($0) + "\n" }.joined()
        let written = FileDescriptorOutput.writeAll(text, to: fd)
        close(fd)
        if !written || rename(temporary, path) != 0 { unlink(temporary) }
    }

    private func createDirectory() -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        if directory.isEmpty { return true }
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            return true
        } catch {
            return false
        }
    }

    static func encode(_ entry: String) -> String {
        var out = ""
        for c in entry.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func decode(_ line: String) -> String {
        var out = ""
        var escaped = false
        for c in line.unicodeScalars {
            if escaped {
                switch c {
                case "n": out += "\n"
                case "r": out += "\r"
                default: out.unicodeScalars.append(c)
                }
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
