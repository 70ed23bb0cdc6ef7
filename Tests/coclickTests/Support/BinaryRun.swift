import Foundation

/// What one run of the built binary printed and how it ended.
struct BinaryRun: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
    /// True when the run outlived its bound and was killed by the harness.
    var timedOut: Bool

    /// Runs `coclick` with `arguments`, feeding `stdin` (or nothing: /dev/null), in `environment`.
    /// Standard output and error are drained concurrently so a chatty child never blocks on a
    /// full pipe; the harness kills the child after `timeout` so a hang fails the test, not CI.
    /// With `output`, standard output goes there instead (`stdout` is then empty).
    static func coclick(
        _ arguments: [String],
        stdin: String? = nil,
        environment: [String: String],
        timeout: Duration = .seconds(60),
        output: FileHandle? = nil
    ) throws -> BinaryRun {
        // A child that exits before reading all its input must fail the test, not kill the
        // runner with SIGPIPE when the feeder thread writes on.
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = BuiltBinary.url
        process.arguments = arguments
        process.environment = environment

        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        let inPipe: Pipe?
        if stdin != nil {
            let pipe = Pipe()
            process.standardInput = pipe
            inPipe = pipe
        } else {
            process.standardInput = FileHandle.nullDevice
            inPipe = nil
        }

        if let output { process.standardOutput = output }
        let out = DataBox()
        let err = DataBox()
        let drained = DispatchGroup()
        for (pipe, sink) in output == nil ? [(outPipe, out), (errPipe, err)] : [(errPipe, err)] {
            drained.enter()
            let handle = pipe.fileHandleForReading
            Thread.detachNewThread {
                let data = handle.readDataToEndOfFile()
                sink.set(data)
                drained.leave()
            }
        }

        try process.run()
        if let inPipe, let stdin {
            let writer = inPipe.fileHandleForWriting
            Thread.detachNewThread {
                try? writer.write(contentsOf: Data(stdin.utf8))
                try? writer.close()
            }
        }

        let exited = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            process.waitUntilExit()
            exited.signal()
        }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        var timedOut = false
        if exited.wait(timeout: .now() + seconds) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
        }
        drained.wait()
        return BinaryRun(
            status: process.terminationStatus,
            stdout: String(decoding: out.get(), as: UTF8.self),
            stderr: String(decoding: err.get(), as: UTF8.self),
            timedOut: timedOut
        )
    }
}

/// Bytes handed from a reader thread to the test, behind a lock.
private final class DataBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ new: Data) { lock.withLock { data = new } }
    func get() -> Data { lock.withLock { data } }
}
