import Foundation

/// Hands out the bearer token: authenticates lazily, renews shortly before `expires_at` and
/// once after a 401. Concurrent callers share one in-flight renewal.
actor TokenProvider {
    private let key: TokenKey
    private let store: any TokenStore
    private let margin: Duration
    private let authenticate: @Sendable () async throws -> Token
    private var current: Token?
    private var renewal: (task: Task<Token, any Error>, rejected: String?)?

    init(key: TokenKey, store: any TokenStore, margin: Duration, authenticate: @escaping @Sendable () async throws -> Token) {
        self.key = key
        self.store = store
        self.margin = margin
        self.authenticate = authenticate
    }

    /// A token valid for at least the renewal margin.
    func token() async throws -> Token {
        try await obtain(rejected: nil)
    }

    /// After a server refused `token`: a different, freshly checked one.
    func renew(rejecting token: Token) async throws -> Token {
        if current?.value == token.value { current = nil }
        return try await obtain(rejected: token.value)
    }

    private func obtain(rejected: String?) async throws -> Token {
        while true {
            try Task.checkCancellation()
            if let current, current.isUsable(for: key, margin: margin, rejected: rejected) { return current }
            let task: Task<Token, any Error>
            if let renewal, renewal.rejected == rejected || rejected == nil {
                task = renewal.task
            } else {
                task = startRenewal(rejected: rejected)
            }
            do {
                // A cancelled caller cancels the shared renewal; the other callers notice that
                // they were not cancelled themselves and start again.
                let token = try await withTaskCancellationHandler {
                    try await task.value
                } onCancel: {
                    task.cancel()
                }
                finished(task)
                current = token
                return token
            } catch is CancellationError where !Task.isCancelled {
                finished(task)
                continue
            } catch {
                finished(task)
                throw error
            }
        }
    }

    private func startRenewal(rejected: String?) -> Task<Token, any Error> {
        let (key, store, margin, authenticate) = (key, store, margin, authenticate)
        let task = Task<Token, any Error> {
            // Another client or process may hold a fresh token already: read before locking.
            if let cached = try await store.load(key), cached.isUsable(for: key, margin: margin, rejected: rejected) {
                return cached
            }
            return try await store.renew(key, margin: margin, rejected: rejected, authenticate: authenticate)
        }
        renewal = (task, rejected)
        return task
    }

    private func finished(_ task: Task<Token, any Error>) {
        if renewal?.task == task { renewal = nil }
    }

    /// Forgets the token in memory (the store is left alone).
    func reset() {
        current = nil
    }
}
