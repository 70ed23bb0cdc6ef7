import Foundation
import Glibc
import SystemPackage

/// Keeps the last bytes a run writes on standard error (`--ping` sends them), whoever writes
/// them: coclick's messages, Lua's `io.stderr`, a child process. Descriptor 2 becomes a pipe
/// whose reader thread copies everything to the real standard error at once and keeps the tail.
final class StandardErrorTail: @unchecked Sendable {
    static let capacity = 10 * 1024

    private let original: Int32
    private let reader: Int32
    private let lock = NSLock()
    private var tail: [UInt8] = []
    private let done = DispatchSemaphore(value: 0)
    private var stopped = false

    /// Starts copying; nil when descriptor 2 cannot be replaced (the run goes on without a tail).
    init?() {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return nil }
        let copy = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3)
        guard copy >= 0, fcntl(ends[0], F_SETFD, FD_CLOEXEC) == 0, dup2(ends[1], STDERR_FILENO) >= 0 else {
            close(ends[0])
            close(ends[1])
            if copy >= 0 { close(copy) }
            return nil
        }
        close(ends[1])
        original = copy
        reader = ends[0]
        let thread = Thread { [self] in pump() }
        thread.name = "coclick stderr tail"
        thread.start()
    }

    private func pump() {
        defer { done.signal() }
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        let (input, output) = (FileDescriptor(rawValue: reader), FileDescriptor(rawValue: original))
        while true {
            guard let count = try? buffer.withUnsafeMutableBytes({ try input.read(into: $0) }), count > 0 else { return }
            // A failure: the real standard error is gone; the tail is still kept.
            _ = try? output.writeAll(buffer[0..<count])
            lock.withLock {
                tail.append(contentsOf: buffer[0..<count])
                if tail.count > Self.capacity { tail.removeFirst(tail.count - Self.capacity) }
            }
        }
    }

    /// Puts the real standard error back and returns the tail. A child still holding the pipe
    /// (started in the background) is not waited for beyond a short grace.
    func stop() -> [UInt8] {
        if !stopped {
            stopped = true
            fflush(nil)
            dup2(original, STDERR_FILENO)
            // Closed only once the reader is done: it may still be writing to `original`.
            if done.wait(timeout: .now() + .seconds(2)) == .success {
                close(original)
                close(reader)
            }
        }
        return lock.withLock { tail }
    }
}
