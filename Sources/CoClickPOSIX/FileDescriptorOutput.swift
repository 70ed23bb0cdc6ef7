import SystemPackage

/// Writes to a raw file descriptor in full: one `write` may take only part of the bytes, or be
/// interrupted by a signal (swift-system's `writeAll` writes on, retrying EINTR).
package enum FileDescriptorOutput {
    /// Writes `text` to `fd` until done or a write fails; whether all of it was written, so a
    /// caller tells a short write from a whole one.
    @discardableResult
    package static func writeAll(_ text: String, to fd: Int32) -> Bool {
        (try? FileDescriptor(rawValue: fd).writeAll(text.utf8)) != nil
    }
}
