#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes for the runner. Data goes to standard output through C stdio, the same buffer Lua's
/// `print` and `io.write` use, so the order is kept; messages go to standard error unbuffered,
/// one `write` per line so lines from several threads (the HTTP trace) do not interleave.
enum StandardStreams {
    static func writeOutput(_ text: String) {
        // Swift's print writes through C stdio's stdout, the buffer Lua's print uses.
        print(text, terminator: "")
    }

    static func writeError(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let count = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if count < 0 { if errno == EINTR { continue }; return }
            bytes = bytes.dropFirst(count)
        }
    }

    /// Flushes what C stdio buffers (before exiting by `_exit`, which does not).
    static func flush() {
        fflush(nil)  // every C stdio stream
    }

    static var inputIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }
    static var outputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
}
