import CoClickConfig
import CoClickLua
import CoClickPOSIX
import Foundation
import Glibc

// Signal handlers can only reach globals; one guard is armed at a time. The handler runs from
// the guard's subscription to the signal owner (CoClickPOSIX's SignalSubscription).
nonisolated(unsafe) private var guardedState: LuaInterruptHandle?
nonisolated(unsafe) private var caughtSignal: sig_atomic_t = 0

/// SIGINT or SIGTERM: asks Lua to stop at its next instruction (the hook raises "interrupted!"
/// and a binding waiting on a request cancels it). A second signal leaves at once, as a user
/// pressing Ctrl-C twice expects. Only async-signal-safe work here.
private func onTerminatingSignal(_ signal: Int32, _ context: UnsafeMutableRawPointer?) {
    if caughtSignal != 0 {
        ChildProcess.killRunning()
        _exit(ExitStatus.stopped(by: signal))
    }
    caughtSignal = signal
    guardedState?.request()
}

/// Bounds a run from its first instant: `--timeout` and SIGINT/SIGTERM. Before a Lua state is
/// attached (configuration being read, `secret_key_command` running) there is nothing to
/// unwind: the run ends at once. Then they interrupt the Lua state; if it has still not
/// returned after a short grace (a script that catches the interrupt, a blocking read), the
/// process exits with the stop's status anyway. A failed write to standard output (the writing
/// call raised already) gives the run the same grace to end by itself, as SIGPIPE would have
/// ended it: a script that catches the error and writes on in a loop cannot run forever. Either way a running
/// `secret_key_command` is killed with its process group first.
final class RunGuard: @unchecked Sendable {
    enum Stop: Sendable, Equatable {
        case timeout
        case signal(Int32)
        /// Standard output failed: not a stop by itself (the run ends with 74 on its own path),
        /// only once the grace is over.
        case outputFailed

        var status: Int32 {
            switch self {
            case .timeout: ExitStatus.timedOut
            case .signal(let number): ExitStatus.stopped(by: number)
            case .outputFailed: ExitStatus.outputFailed
            }
        }
    }

    private var interrupt: LuaInterruptHandle?
    private let deadline: ContinuousClock.Instant?
    private let grace: Duration
    private let lock = NSLock()
    private var stop: Stop?
    private var finished = false
    /// The watcher has decided to end the process (under `lock`): `disarm` then waits for it.
    private var leaving = false
    /// What the watcher sleeps on between polls (never signalled: see `disarm`).
    private let sleeper = DispatchSemaphore(value: 0)
    private var signals: SignalSubscription?

    /// - Parameter deadline: when `--timeout` elapses (measured from the process start).
    init(deadline: ContinuousClock.Instant?, grace: Duration = .seconds(2)) {
        self.deadline = deadline
        self.grace = grace
    }

    /// Subscribes to SIGINT and SIGTERM and starts watching the clock.
    func arm() {
        caughtSignal = 0
        // The owner's handler does not restart calls: a blocking read sees EINTR and Lua gets
        // control back. Subscribing unblocks them too (a parent may have left them blocked).
        signals = SignalSubscription([SIGINT, SIGTERM], handler: onTerminatingSignal)
        startWatcher()
    }

    /// The watcher: a plain detached POSIX thread (Foundation's `Thread` costs more to start:
    /// its object, `Thread.current`, the name). It holds the guard until it returns.
    private func startWatcher() {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let created = pthread_create(
            &thread, &attributes,
            { context in
                let runGuard = Unmanaged<RunGuard>.fromOpaque(context!).takeRetainedValue()
                runGuard.watch()
                return nil
            }, context)
        precondition(created == 0, "cannot start the run guard's thread: \(String(cString: strerror(created)))")
    }

    /// From now on a stop interrupts the state (and waits a grace for it) rather than ending the run.
    func attach(_ interrupt: LuaInterruptHandle) {
        lock.withLock {
            self.interrupt = interrupt
            guardedState = interrupt
            // A signal that came in just before: Lua sees it at its first instruction.
            if caughtSignal != 0 { interrupt.request() }
        }
    }

    /// Stops watching, ends its subscription to the signals, and says why the run was stopped
    /// (nil: it was not).
    ///
    /// It neither waits for the watcher to wind down nor wakes it (a thread hand-off, and a
    /// thread exit beside the process's own, at the end of every run): once `finished` is set,
    /// the watcher, at its next poll, does nothing more but return (or it ends with the process),
    /// unless it had already decided to end the process, which it then does (this call never
    /// returns).
    func disarm() -> Stop? {
        let watcherLeaving = lock.withLock {
            finished = true
            return leaving
        }
        if watcherLeaving {
            // The watcher is writing its message and calling _exit: the run ends there.
            while true { pause() }
        }
        signals?.cancel()
        signals = nil
        guardedState = nil
        let stopped = lock.withLock { stop ?? (caughtSignal != 0 ? .signal(caughtSignal) : nil) }
        return stopped == .outputFailed ? nil : stopped
    }

    private func watch() {
        var stoppedAt: ContinuousClock.Instant?
        while true {
            let now = ContinuousClock.now
            // Whether to leave is decided under the lock, so that `disarm` knows it.
            let (done, departure): (Bool, (Stop, String)?) = lock.withLock {
                if finished { return (true, nil) }
                // A signal or the deadline still stops a run whose output failed.
                if stop == nil || stop == .outputFailed {
                    if caughtSignal != 0 {
                        stop = .signal(caughtSignal)
                    } else if let deadline, now >= deadline {
                        stop = .timeout
                        interrupt?.request()
                    } else if StandardOutputGuard.failedErrno != nil {
                        stop = .outputFailed
                    }
                }
                guard let current = stop else { return (false, nil) }
                if stoppedAt == nil { stoppedAt = now }
                var note: String?
                if interrupt == nil {
                    // Nothing to unwind yet (configuration, secret_key_command): leave now.
                    note = ""
                } else if let since = stoppedAt, now - since >= grace {
                    // Lua did not come back: leave with the stop's status regardless.
                    note = " (forced exit)"
                }
                guard let note else { return (false, nil) }
                leaving = true
                return (false, (current, note))
            }
            if done { return }
            if let (current, note) = departure { leave(current, note: note) }
            // Signal handlers cannot wake a semaphore safely: they are polled every 20 ms.
            _ = sleeper.wait(timeout: .now() + .milliseconds(20))
        }
    }

    private func leave(_ stop: Stop, note: String) -> Never {
        ChildProcess.killRunning()
        StandardStreams.writeError("coclick: \(Self.message(for: stop))\(note)\n")
        Self.beforeForcedExit?(stop.status, Self.message(for: stop) + note)
        StandardStreams.flush()
        _exit(stop.status)
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
        case .outputFailed: "\(StandardOutputGuard.failureMessage): \(String(cString: strerror(StandardOutputGuard.failedErrno ?? 0)))"
        }
    }
}
