import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A `coclick` process a test watches while it runs (to kill it, or to start a second run
/// beside it), its standard output read line by line.
final class RunningBinary: @unchecked Sendable {
    let process = Process()
    private let input = Pipe()
    /// Guards the text read so far; signalled at each read and at each stream's end.
    private let lock = NSCondition()
    private var outputText = ""
    private var errorText = ""
    private var streamsOpen = 2
    private let drained = DispatchGroup()

    init(_ arguments: [String], environment: [String: String]) throws {
        signal(SIGPIPE, SIG_IGN)
        process.executableURL = BuiltBinary.url
        process.arguments = arguments
        process.environment = environment
        process.standardInput = input
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        for (pipe, isOutput) in [(out, true), (err, false)] {
            drained.enter()
            let handle = pipe.fileHandleForReading
            Thread.detachNewThread { [self] in
                while true {
                    let data = handle.availableData
                    if data.isEmpty { break }
                    lock.withLock {
                        if isOutput {
                            outputText += String(decoding: data, as: UTF8.self)
                        } else {
                            errorText += String(decoding: data, as: UTF8.self)
                        }
                        lock.broadcast()
                    }
                }
                lock.withLock {
                    streamsOpen -= 1
                    lock.broadcast()
                }
                drained.leave()
            }
        }
        try process.run()
    }

    var stdout: String { lock.withLock { outputText } }
    var stderr: String { lock.withLock { errorText } }

    /// Waits until `condition` holds of what the process has written (standard output and
    /// error), checked each time it writes: a state, not a time. False if it never held, the
    /// process having closed both streams or `bound` having passed.
    func waitForOutput(bound: Duration = .seconds(60), until condition: (_ stdout: String, _ stderr: String) -> Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: Double(bound.components.seconds))
        return lock.withLock {
            while !condition(outputText, errorText) {
                if streamsOpen == 0 || !lock.wait(until: deadline) { return condition(outputText, errorText) }
            }
            return true
        }
    }

    /// `finish(bound:)` on a thread of its own, for async tests.
    func finishOffPool(bound: Duration = .seconds(60)) async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in continuation.resume(returning: finish(bound: bound)) }
        }
    }

    /// Closes the process's standard input (a script blocked in io.read() goes on).
    func closeInput() { try? input.fileHandleForWriting.close() }

    func kill(_ signal: Int32) { Glibc.kill(process.processIdentifier, signal) }

    /// Waits for the end (at most `bound`, then SIGKILL) and returns the status.
    @discardableResult
    func finish(bound: Duration = .seconds(60)) -> Int32 {
        let exited = DispatchSemaphore(value: 0)
        Thread.detachNewThread { [process] in
            process.waitUntilExit()
            exited.signal()
        }
        let seconds = Double(bound.components.seconds)
        if exited.wait(timeout: .now() + seconds) == .timedOut {
            kill(SIGKILL)
            exited.wait()
        }
        drained.wait()
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }
}
