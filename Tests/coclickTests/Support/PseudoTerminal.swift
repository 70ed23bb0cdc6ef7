import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The built binary on a pseudo-terminal, as a person at a terminal would run it: the child gets
/// its own session with the terminal as its controlling tty (`setsid -c`), so a typed Ctrl-C
/// reaches it as SIGINT through the line discipline, exactly as from a real keyboard.
final class PseudoTerminal {
    struct Timeout: Error, CustomStringConvertible {
        var waitingFor: String
        var screen: String
        var description: String { "timed out waiting for \(waitingFor.debugDescription); output so far:\n\(screen)" }
    }

    private let master: Int32
    private let process: Process
    /// Everything the child wrote so far, and how far `expect` has consumed it.
    private(set) var output = ""
    private var consumed: String.Index

    /// - Parameter standardOutput: where the child's standard output goes instead of the
    ///   terminal (standard input and error stay on it).
    init(_ arguments: [String], environment: [String: String], standardOutput: FileHandle? = nil) throws {
        var fd: Int32 = -1
        var slave: Int32 = -1
        var size = winsize(ws_row: 40, ws_col: 120, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&fd, &slave, nil, nil, &size) == 0 else { throw POSIXError(.ENXIO) }
        defer { close(slave) }
        master = fd

        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        process.arguments = ["-w", "-c", BuiltBinary.path] + arguments
        var env = environment
        env["TERM"] = env["TERM"] ?? "xterm"
        env["COLUMNS"] = env["COLUMNS"] ?? "120"
        env["LINES"] = env["LINES"] ?? "40"
        process.environment = env
        let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        process.standardInput = handle
        process.standardOutput = standardOutput ?? handle
        process.standardError = handle
        consumed = output.startIndex
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        close(master)
    }

    /// Types `text` as keystrokes (use "\r" for Enter, "\u{3}" for Ctrl-C, "\u{4}" for Ctrl-D, "\t" for Tab).
    func send(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(master, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }

    /// Reads until `needle` appears after what earlier calls consumed; returns the text up to and
    /// including it.
    @discardableResult
    func expect(_ needle: String, timeout: Double = 20) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let range = output.range(of: needle, range: consumed..<output.endIndex) {
                let seen = String(output[consumed..<range.upperBound])
                consumed = range.upperBound
                return seen
            }
            let left = deadline.timeIntervalSinceNow
            if left <= 0 || readSome(timeout: left) == .closed {
                throw Timeout(waitingFor: needle, screen: output)
            }
        }
    }

    /// Waits for the child to exit (reading what it prints meanwhile) and returns its status.
    func waitForExit(timeout: Double = 20) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if deadline.timeIntervalSinceNow <= 0 {
                throw Timeout(waitingFor: "<exit>", screen: output)
            }
            _ = readSome(timeout: 0.05)
        }
        while readSome(timeout: 0.05) == .data {}
        return process.terminationStatus
    }

    private enum ReadOutcome { case data, idle, closed }

    /// Reads what arrives within `timeout` seconds (at most a second at a time).
    private func readSome(timeout: Double) -> ReadOutcome {
        var pfd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pfd, 1, Int32(max(1, min(timeout, 1) * 1000)))
        if ready == 0 { return .idle }
        guard ready > 0 else { return .closed }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = read(master, &buffer, buffer.count)
        guard n > 0 else { return .closed }
        output += String(decoding: buffer[0..<n], as: UTF8.self)
        return .data
    }
}
