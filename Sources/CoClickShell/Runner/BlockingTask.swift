import Foundation

/// Runs async work from the main thread (the Lua thread) and waits for it: the work runs on the
/// concurrency pool, the calling thread blocks on a semaphore. Never call it from a pool thread.
enum BlockingTask {
    static func run<T: Sendable>(_ body: @Sendable @escaping () async throws -> T) throws -> T {
        let box = ResultBox<T>()
        Task.detached {
            do { box.finish(.success(try await body())) } catch { box.finish(.failure(error)) }
        }
        box.done.wait()
        guard let result = box.result else { throw CancellationError() }
        return try result.get()
    }
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Result<T, any Error>?
    let done = DispatchSemaphore(value: 0)

    func finish(_ result: Result<T, any Error>) {
        lock.withLock { stored = result }
        done.signal()
    }

    var result: Result<T, any Error>? { lock.withLock { stored } }
}
