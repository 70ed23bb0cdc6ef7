import CSignals
import Glibc

/// A subscription to the signal owner (the C target CSignals: the one place where SIGINT,
/// SIGTERM, SIGHUP, SIGQUIT and SIGWINCH are caught; no other file installs a handler for them).
///
/// Subscriptions form a stack: a signal goes to the newest subscription that asked for it, and
/// only there, unless that one passes it on (`passingOn`: to the next one down); one that no
/// subscription takes meets the disposition from before the first subscription (by default the
/// process ends by it). The owner's handler does not restart calls: a blocking read, poll or
/// sleep of the thread that took the signal returns EINTR. Subscribing unblocks the signals in
/// the calling thread. Each subscription counts its signals and has a descriptor that polls
/// readable once one came, so a waiter wakes at once instead of polling a flag.
package final class SignalSubscription: @unchecked Sendable {
    /// Runs inside the signal handler, on whichever thread took the signal: async-signal-safe
    /// work only. Gets the signal and the subscription's `context`.
    package typealias Handler = @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void

    private var subscription: OpaquePointer?

    /// Subscribes to `signals` (owned ones only: SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH).
    /// - Parameters:
    ///   - passingOn: after `handler`, the signal goes on down the stack.
    ///   - handler: run in the signal handler (nil: the signal is only counted).
    package init(
        _ signals: [Int32], passingOn: Bool = false, handler: Handler? = nil,
        context: UnsafeMutableRawPointer? = nil
    ) {
        // A mask, not a Set: a Set<Int32> made here was the run's first of its kind, which costs a
        // scan of every protocol conformance in the binary at each start.
        let owned = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH]
        precondition(!signals.isEmpty && signals.allSatisfy(owned.contains), "not a signal the owner handles: \(signals)")
        let set = signals.reduce(UInt32(0)) { $0 | (UInt32(1) << UInt32($1)) }
        // nil only when 32 subscriptions are already nested: the signals then go to those below.
        subscription = csig_subscribe(set, passingOn ? Int32(CSIG_PASS_ON) : 0, handler, context)
    }

    deinit { cancel() }

    /// Leaves the stack (once; later calls do nothing). When it returns, the handler is not
    /// running and will not run again.
    package func cancel() {
        guard let subscription else { return }
        self.subscription = nil
        csig_unsubscribe(subscription)
    }

    /// How many times `signal` came since the last take; clears that count.
    package func take(_ signal: Int32) -> Int { Int(csig_take(subscription, signal)) }

    /// The first signal that came (nil: none yet).
    package var first: Int32? {
        let signal = csig_first(subscription)
        return signal == 0 ? nil : signal
    }

    /// Polls readable once a signal came (-1: none could be made); `drain()` empties it.
    package var descriptor: Int32 { csig_fd(subscription) }

    package func drain() { csig_drain(subscription) }

    /// Waits until a signal came or `timeout` passed (nil: no limit); the first signal that
    /// came, or nil on time out.
    package func wait(timeout: Duration? = nil) -> Int32? {
        var milliseconds: Int32 = -1
        if let timeout {
            let (seconds, attoseconds) = timeout.components
            milliseconds = max(0, Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000))
        }
        let signal = csig_wait(subscription, milliseconds)
        return signal == 0 ? nil : signal
    }

    /// How many subscriptions are on the owner's stack (for tests).
    package static var depth: Int { Int(csig_depth()) }
}

/// SIGPIPE is never caught, only ignored, through the signal owner too: a write to a closed pipe
/// then fails with EPIPE instead of ending the process.
package enum BrokenPipes {
    /// Ignored until the matching `endIgnoring()`; calls nest, and the disposition from before
    /// the first comes back after the last.
    package static func ignore() { csig_ignore_sigpipe() }
    package static func endIgnoring() { csig_end_ignoring_sigpipe() }

    /// Runs `body` with SIGPIPE ignored.
    package static func ignoring<Result>(_ body: () throws -> Result) rethrows -> Result {
        ignore()
        defer { endIgnoring() }
        return try body()
    }
}
