import CoClickPOSIX
import Glibc

/// Reads a secret (the secret key for `coclick auth login`).
///
/// On a terminal it prompts and reads a line with echo turned off; echo is restored on
/// every path: normal return, error, and SIGINT/SIGTERM/SIGHUP/SIGQUIT (a subscription to the
/// signal owner restores the terminal, then passes the signal on to whatever was there before).
/// Otherwise it reads the first line of the input, one byte at a time so nothing after that
/// line is consumed.
/// The secret is never echoed, logged or put in an error.
package enum SecretPrompt {
    /// The longest secret accepted.
    package static let lengthLimit = 4096

    /// - Parameters:
    ///   - prompt: shown on a terminal only, e.g. `Secret key: `.
    ///   - input: the file descriptor to read (standard input by default).
    ///   - promptOutput: where the prompt and the closing newline go; by default `/dev/tty`,
    ///     else standard error.
    /// - Throws: ``ConfigurationError``: `.secretInput` (empty input, too long, not UTF-8, a
    ///   read error) or `.interrupted` (a signal arrived while the terminal was being read).
    package static func read(prompt: String, input: Int32 = STDIN_FILENO, promptOutput: Int32? = nil) throws -> String {
        guard isatty(input) == 1 else { return try readLine(from: input, source: "standard input") }

        let output = promptOutput ?? openTerminalForPrompt()
        defer { if promptOutput == nil, output != STDERR_FILENO { close(output) } }
        // Echo goes off before the prompt shows, so nothing typed after it is echoed.
        let echo = try EchoSuppression(fd: input)
        defer {
            echo.restore()
            FileDescriptorOutput.writeAll("\n", to: output)
        }
        FileDescriptorOutput.writeAll(prompt, to: output)
        return try readLine(from: input, source: "the terminal", watchingForSignals: true)
    }

    private static func openTerminalForPrompt() -> Int32 {
        let fd = open("/dev/tty", O_WRONLY | O_CLOEXEC | O_NOCTTY)
        return fd >= 0 ? fd : STDERR_FILENO
    }

    /// One line (without its `\n` or `\r\n`), read a byte at a time.
    /// - Parameter watchingForSignals: poll the input and the prompt's signal descriptor, and
    ///   give up once a signal was caught: the signal may have gone to another thread and left
    ///   this read uninterrupted, with the terminal's echo already restored.
    private static func readLine(from fd: Int32, source: String, watchingForSignals: Bool = false) throws -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        defer { for index in bytes.indices { bytes[index] = 0 } }
        var byte: UInt8 = 0
        while true {
            if watchingForSignals {
                if EchoSuppression.interrupted {
                    throw ConfigurationError(.interrupted, "interrupted while reading the secret key")
                }
                let wake = EchoSuppression.signalDescriptor
                var descriptors = [
                    pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                    pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
                ]
                // Without the descriptor, look for a signal every 100 ms.
                let ready = poll(&descriptors, wake >= 0 ? 2 : 1, wake >= 0 ? -1 : 100)
                if ready == 0 || (ready < 0 && errno == EINTR) { continue }
                // A signal came: `interrupted` is set (the handler ran before the wake-up).
                if wake >= 0, descriptors[1].revents & Int16(POLLIN) != 0 { continue }
            }
            let count = readOneByte(fd, &byte)
            if count < 0 {
                if errno == EINTR {
                    if EchoSuppression.interrupted { throw ConfigurationError(.interrupted, "interrupted while reading the secret key") }
                    continue
                }
                throw ConfigurationError(.secretInput, "cannot read the secret key from \(source): \(String(cString: strerror(errno)))")
            }
            if count == 0 || byte == UInt8(ascii: "\n") { break }
            bytes.append(byte)
            if bytes.count > lengthLimit {
                throw ConfigurationError(.secretInput, "the secret key read from \(source) is longer than \(lengthLimit) bytes")
            }
        }
        byte = 0
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard !bytes.isEmpty else {
            throw ConfigurationError(.secretInput, "no secret key given on \(source)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigurationError(.secretInput, "the secret key read from \(source) is not UTF-8 text")
        }
        return text
    }
}

/// `read(2)` of one byte, outside `SecretPrompt` whose `read` would shadow it.
private func readOneByte(_ fd: Int32, _ byte: inout UInt8) -> Int {
    read(fd, &byte, 1)
}
