import Glibc

/// Writes to a raw file descriptor in full: one `write` may take only part of the bytes, or be
/// interrupted by a signal.
package enum FileDescriptorOutput {
    /// Writes `text` to `fd` until done or a write fails (EINTR is retried); the bytes written,
    /// so a caller tells a short write from a whole one.
    @discardableResult
    package static func writeAll(_ text: String, to fd: Int32) -> Int {
        var bytes = Array(text.utf8)[...]
        var written = 0
        while !bytes.isEmpty {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            written += count
            bytes = bytes.dropFirst(count)
        }
        return written
    }
}
