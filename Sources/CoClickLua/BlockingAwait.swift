import CLuaSupport
import Foundation

/// Runs async Swift work from the Lua thread: starts a task and blocks the calling thread (the
/// Lua thread, never a concurrency pool thread) until it ends. Ctrl-C (an interrupt request on
/// the state) cancels the task, waits briefly for it to wind down, and throws `LuaInterrupted`,
/// so an HTTP request in flight is abandoned.
extension LuaCall {
    /// `executor`: where the work prefers to run (the client's event loop for a listing, whose
    /// pages arrive there), else the concurrency pool.
    public func blockingAwait<T: Sendable>(
        on executor: (any TaskExecutor)? = nil, _ body: @Sendable @escaping () async throws -> T
    ) throws -> T {
        try CoClickLua.blockingAwait(L, executor: executor, body)
    }
}

extension LuaState {
    public func blockingAwait<T: Sendable>(_ body: @Sendable @escaping () async throws -> T) throws -> T {
        try CoClickLua.blockingAwait(L, body)
    }
}

private final class Outcome<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, any Error>?
    let done = DispatchSemaphore(value: 0)

    func finish(_ result: Result<T, any Error>) {
        lock.withLock { self.result = result }
        done.signal()
    }

    var value: Result<T, any Error>? { lock.withLock { result } }
}

/// The one sync-over-async bridge: runs async work from a thread that is not a concurrency
/// pool thread (the Lua thread, the main thread) and blocks that thread until the work ends.
/// Bindings (`blockingAwait`), the runner's set-up and tear-down (the sandbox, the client) and
/// the `sandbox` command all wait through it. `interrupted`, polled every 20 ms, cancels the
/// work, waits briefly for it to wind down, and throws `LuaInterrupted`. Never call it from a
/// concurrency pool thread.
public func waitForAsyncWork<T: Sendable>(
    interrupted: () -> Bool = { false }, executor: (any TaskExecutor)? = nil,
    _ body: @Sendable @escaping () async throws -> T
) throws -> T {
    let outcome = Outcome<T>()
    let task = Task.detached(executorPreference: executor) {
        do {
            outcome.finish(.success(try await body()))
        } catch {
            outcome.finish(.failure(error))
        }
    }
    while outcome.done.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
        if interrupted() {
            task.cancel()
            _ = outcome.done.wait(timeout: .now() + .seconds(2))
            throw LuaInterrupted()
        }
    }
    guard let result = outcome.value else { throw LuaInterrupted() }
    return try result.get()
}

func blockingAwait<T: Sendable>(
    _ L: OpaquePointer, executor: (any TaskExecutor)? = nil, _ body: @Sendable @escaping () async throws -> T
) throws -> T {
    try waitForAsyncWork(interrupted: { clua_take_interrupt(L) != 0 }, executor: executor, body)
}
