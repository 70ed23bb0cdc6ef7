import Foundation

/// The secrets known so far in this run (the key, then each token as it is issued), shared by
/// the trace hook (on pool threads) and the error reporter (on the Lua thread).
final class RedactionBox: @unchecked Sendable {
    private let lock = NSLock()
    private var redactor = Redactor()

    func add(_ secret: String) {
        lock.withLock { redactor.add(secret) }
    }

    func redact(_ text: String) -> String {
        let current = lock.withLock { redactor }
        return current.redact(text)
    }
}
