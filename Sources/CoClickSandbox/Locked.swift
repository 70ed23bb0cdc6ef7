import Synchronization

/// A value guarded by a lock, for state shared between request handlers: a `Mutex` held by a
/// class, so that handlers share it by reference (a `Mutex` itself cannot be copied).
final class Locked<Value>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: sending Value) { mutex = Mutex(value) }

    func withLock<Result, Failure: Error>(
        _ body: (inout sending Value) throws(Failure) -> sending Result
    ) throws(Failure) -> sending Result {
        try mutex.withLock(body)
    }
}
