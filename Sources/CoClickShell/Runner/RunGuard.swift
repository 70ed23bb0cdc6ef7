import CLuaSupport
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Signal handlers can only reach globals; one guard is armed at a time.
nonisolated(unsafe) private var guardedState: OpaquePointer?
nonisolated(unsafe) private var caughtSignal: sig_atomic_t = 0

/// SIGINT or SIGTERM: asks Lua to stop at its next instruction (the hook raises "interrupted!"
/// and a binding waiting on a request cancels it). A second signal leaves at once, as a user
/// pressing Ctrl-C twice expects. Only async-signal-safe work here.
private func onTerminatingSignal(_ signal: Int32) {
    if caughtSignal != 0 { _exit(128 + signal) }
    caughtSignal = signal
    if let L = guardedState { clua_request_interrupt(L) }
}

/// Bounds a run: `--timeout` and SIGINT/SIGTERM interrupt the Lua state; if it has still not
/// returned after a short grace (a script that catches the interrupt, a blocking read), the
/// process exits with the stop's status anyway.
final class RunGuard: @unchecked Sendable {
    enum Stop: Sendable, Equatable {
        case timeout
        case signal(Int32)

        var status: Int32 {
            switch self {
            case .timeout: 124
            case .signal(let number): 128 + number
            }
        }
    }

    private let L: OpaquePointer
    private let deadline: ContinuousClock.Instant?
    private let grace: Duration
    private let lock = NSLock()
    private var stop: Stop?
    private var finished = false
    private let watcherDone = DispatchSemaphore(value: 0)
    private var previous: [Int32: sigaction] = [:]

    /// - Parameter deadline: when `--timeout` elapses (measured from the process start).
    init(state L: OpaquePointer, deadline: ContinuousClock.Instant?, grace: Duration = .seconds(2)) {
        self.L = L
        self.deadline = deadline
        self.grace = grace
    }

    /// Installs the signal handlers and starts watching the clock.
    func arm() {
        guardedState = L
        caughtSignal = 0
        for number in [SIGINT, SIGTERM] {
            // A blocking read sees EINTR and Lua gets control back.
            previous[number] = installInterruptingHandler(number, onTerminatingSignal)
        }
        // A parent may have left these signals blocked (test harnesses, some supervisors).
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        let thread = Thread { [self] in watch() }
        thread.name = "coclick run guard"
        thread.start()
    }

    /// Stops watching, restores the signal dispositions, and says why the run was stopped
    /// (nil: it was not).
    func disarm() -> Stop? {
        lock.withLock { finished = true }
        watcherDone.wait()
        for (number, old) in previous {
            var old = old
            sigaction(number, &old, nil)
        }
        previous = [:]
        guardedState = nil
        return lock.withLock { stop ?? (caughtSignal != 0 ? .signal(caughtSignal) : nil) }
    }

    private func watch() {
        defer { watcherDone.signal() }
        var stoppedAt: ContinuousClock.Instant?
        while true {
            let now = ContinuousClock.now
            let (done, current): (Bool, Stop?) = lock.withLock {
                if !finished, stop == nil {
                    if caughtSignal != 0 {
                        stop = .signal(caughtSignal)
                    } else if let deadline, now >= deadline {
                        stop = .timeout
                        clua_request_interrupt(L)
                    }
                }
                return (finished, stop)
            }
            if done { return }
            if let current {
                if stoppedAt == nil { stoppedAt = now }
                if let since = stoppedAt, now - since >= grace {
                    // Lua did not come back: leave with the stop's status regardless.
                    StandardStreams.writeError("coclick: \(Self.message(for: current)) (forced exit)\n")
                    Self.beforeForcedExit?(current.status, Self.message(for: current) + " (forced exit)")
                    StandardStreams.flush()
                    _exit(current.status)
                }
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// Runs on the watcher thread just before a forced exit, with its status and message: the
    /// end of an unattended run (`--report`, `--ping`) still happens.
    nonisolated(unsafe) static var beforeForcedExit: ((Int32, String) -> Void)?

    static func message(for stop: Stop) -> String {
        switch stop {
        case .timeout: "timed out (--timeout)"
        case .signal(SIGINT): "interrupted"
        case .signal(SIGTERM): "terminated"
        case .signal(let number): "stopped by signal \(number)"
        }
    }
}
