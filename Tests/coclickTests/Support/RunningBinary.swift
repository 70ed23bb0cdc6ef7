import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A `coclick` process a test watches while it runs (to kill it, or to start a second run
/// beside it), its standard output read line by line.
final class RunningBinary: @unchecked Sendable {
    let process = Process()
    private let input = Pipe()
    private let lock = NSLock()
    private var outputText = ""
    private var errorText = ""
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
                        if isOutput { outputText += String(decoding: data, as: UTF8.self) } else { errorText += String(decoding: data, as: UTF8.self) }
                    }
                }
                drained.leave()
            }
        }
        try process.run()
    }

    var stdout: String { lock.withLock { outputText } }
    var stderr: String { lock.withLock { errorText } }

    /// Waits until `condition` holds (polled), at most `bound`; false if it never did.
    static func wait(until condition: () -> Bool, bound: Duration = .seconds(60)) -> Bool {
        let deadline = ContinuousClock.now + bound
        while ContinuousClock.now < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return condition()
    }

    /// `wait(until:bound:)` for async tests: polls without blocking a concurrency pool thread,
    /// which an in-process sandbox needs to answer.
    static func waitAsync(until condition: () -> Bool, bound: Duration = .seconds(60)) async -> Bool {
        let deadline = ContinuousClock.now + bound
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
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
