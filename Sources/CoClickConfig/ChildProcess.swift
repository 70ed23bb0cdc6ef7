import Dispatch
import Foundation
import Glibc
import Subprocess
import Synchronization
import SystemPackage

// The child being waited for, for the exits that cannot wait (`--timeout`, a signal): its
// process group (negative) or, for an interactive child in ours, its pid. 0: none.
private let runningChild = Atomic<pid_t>(0)

/// Runs a program through swift-subprocess, capturing its standard output within a time and
/// size bound. Standard error is inherited. The package spawns it with every signal at its
/// default and no descriptor of ours but the three, reads the pipe without holding a thread,
/// and ends the read when the child exits even if a grandchild keeps the pipe open.
///
/// A non-interactive child runs in a process group of its own, killed whole when it ends
/// (what it left running in the background goes too), when it overruns its bounds, and when
/// the run ends before it does (`killRunning()`, from the run guard's exits).
///
/// Kept here rather than in the package: the deadline (swift-subprocess has none), the group
/// killed after a normal exit (its teardown runs only on cancellation or a throwing body, and
/// skips a child that has exited), and the group id where the run guard's `_exit` path can
/// reach it without waiting (`killRunning()`).
///
/// Its async work runs on a thread of its own (`executor`), not on the shared concurrency
/// pool: a pool whose threads are all blocked (by synchronous waits elsewhere, as in the
/// parallel test run) must not hold back the deadline, nor make a prompt command time out.
package enum ChildProcess {
    /// The thread the command's reading, deadline and exit wait run on.
    package static let executor = DedicatedThreadExecutor(name: "coclick secret command")

    enum Ending: Equatable, Sendable {
        case exited(Int32)
        case signal(Int32)
        case timedOut
        case outputTooLarge
    }

    struct Outcome: Sendable {
        var ending: Ending
        var output: [UInt8]
    }

    struct SpawnFailure: Error { var errno: Int32 }

    /// - Parameter interactive: keep our standard input and process group (the program may
    ///   talk to the terminal); otherwise its standard input is `/dev/null` and it runs in a
    ///   process group of its own, all of which is killed on timeout.
    static func run(
        executable: String, arguments: [String], environment: [String: String], interactive: Bool,
        timeout: Duration, outputLimit: Int
    ) async throws(SpawnFailure) -> Outcome {
        var options = PlatformOptions()
        if !interactive { options.processGroupID = 0 }
        // If our task is cancelled while the command runs: SIGKILL, to its whole group.
        options.teardownSequence = [.send(signal: .kill, toProcessGroup: !interactive, allowedDurationToNextStep: .zero)]
        return try await withTaskExecutorPreference(executor) { () async throws(SpawnFailure) -> Outcome in
            try await run(
                executable: executable, arguments: arguments, environment: environment, interactive: interactive,
                timeout: timeout, outputLimit: outputLimit, options: options)
        }
    }

    private static func run(
        executable: String, arguments: [String], environment: [String: String], interactive: Bool,
        timeout: Duration, outputLimit: Int, options: PlatformOptions
    ) async throws(SpawnFailure) -> Outcome {
        let configuration = Configuration(
            executable: .path(FilePath(executable)), arguments: Arguments(arguments),
            environment: .custom(Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(stringLiteral: $0.key), $0.value) })),
            platformOptions: options
        )
        let deadline = ContinuousClock.now.advanced(by: timeout)
        do {
            if interactive {
                return try await run(
                    configuration, input: .fileDescriptor(.standardInput, closeAfterSpawningProcess: false),
                    group: false, deadline: deadline, outputLimit: outputLimit)
            }
            return try await run(configuration, input: .none, group: true, deadline: deadline, outputLimit: outputLimit)
        } catch let error as SubprocessError {
            throw SpawnFailure(errno: error.underlyingError?.rawValue ?? EIO)
        } catch {
            throw SpawnFailure(errno: EIO)
        }
    }

    private enum Finish: Sendable {
        case read(Ending?, [UInt8])
        case deadline
        case cancelled
    }

    private static func run<Input: InputProtocol>(
        _ configuration: Configuration, input: Input, group: Bool, deadline: ContinuousClock.Instant, outputLimit: Int
    ) async throws -> Outcome {
        let result = try await Subprocess.run(
            configuration, input: input, output: .sequence,
            error: .fileDescriptor(.standardError, closeAfterSpawningProcess: false)
        ) { execution -> (ending: Ending?, output: [UInt8]) in
            let pid = execution.processIdentifier.value
            let target = group ? -pid : pid
            runningChild.store(target, ordering: .sequentiallyConsistent)
            defer { runningChild.store(0, ordering: .sequentiallyConsistent) }
            let standardOutput = execution.standardOutput
            var ending: Ending?
            var output: [UInt8] = []
            await withTaskGroup(of: Finish.self) { tasks in
                tasks.addTask {
                    do {
                        try await Task.sleep(until: deadline, clock: .continuous)
                    } catch {
                        return .cancelled
                    }
                    // Ends the read: the pipe's writers are gone, or the child is.
                    kill(target, SIGKILL)
                    return .deadline
                }
                tasks.addTask {
                    var output: [UInt8] = []
                    do {
                        for try await chunk in standardOutput {
                            chunk.withUnsafeBytes { output.append(contentsOf: $0) }
                            if output.count > outputLimit { return .read(.outputTooLarge, output) }
                        }
                    } catch {
                        // A read error ends the output, as the end of the pipe does.
                    }
                    // Output is complete; now the exit status, within the same deadline.
                    while !childExited(pid) {
                        do { try await Task.sleep(for: .milliseconds(10)) } catch { break }
                    }
                    return .read(nil, output)
                }
                for await finish in tasks {
                    switch finish {
                    case .read(let readEnding, let readOutput):
                        output = readOutput
                        if ending == nil { ending = readEnding }
                    case .deadline:
                        if ending == nil { ending = .timedOut }
                    case .cancelled:
                        break
                    }
                    tasks.cancelAll()
                }
            }
            // Before reaping (the group keeps its id): nothing the command started outlives it.
            kill(target, SIGKILL)
            return (ending, output)
        }
        let (ending, output) = result.closureResult
        switch (ending, result.terminationStatus) {
        case (let ending?, _): return Outcome(ending: ending, output: output)
        case (nil, .exited(let code)): return Outcome(ending: .exited(code), output: output)
        case (nil, .signaled(let signal)): return Outcome(ending: .signal(signal), output: output)
        }
    }

    /// Kills the child being waited for, if any (its whole group when it has one). Only
    /// async-signal-safe work: called on the way to `_exit`.
    package static func killRunning() {
        let target = runningChild.load(ordering: .sequentiallyConsistent)
        if target != 0 { kill(target, SIGKILL) }
    }

    /// Whether `pid` has exited, leaving it to be reaped (swift-subprocess reaps it once the
    /// body returns, after its group is killed).
    private static func childExited(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        if waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 { return errno != EINTR }
        return info._sifields._sigchld.si_pid == pid
    }
}

/// Runs the jobs of the tasks that prefer it (`withTaskExecutorPreference`) on one thread of
/// its own, in order. The standard library offers no such executor on Linux.
package final class DedicatedThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let jobs = Mutex<[UnownedJob]>([])
    private let ready = DispatchSemaphore(value: 0)

    init(name: String) {
        let thread = Thread { [self] in
            while true {
                ready.wait()
                if let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
                    job.runSynchronously(on: asUnownedTaskExecutor())
                }
            }
        }
        thread.name = name
        thread.start()
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.append(job) }
        ready.signal()
    }
}
