import CoClickLua

/// Runs async work from the main thread (the Lua thread) and waits for it, not interruptible:
/// session set-up and tear-down (starting the sandbox, closing the client). Never call it from
/// a concurrency pool thread.
enum BlockingTask {
    static func run<T: Sendable>(_ body: @Sendable @escaping () async throws -> T) throws -> T {
        try waitForAsyncWork(body)
    }
}
