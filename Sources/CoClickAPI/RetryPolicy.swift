/// How GET requests (and connection attempts that never reached the server) are retried:
/// exponential backoff with full jitter, `Retry-After` honoured up to a cap.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included (1 disables retries).
    public var maxAttempts: Int = 4
    /// The backoff bound of the first retry; it doubles on each further retry.
    public var baseDelay: Duration = .milliseconds(200)
    /// The largest backoff bound.
    public var maxDelay: Duration = .seconds(5)
    /// The longest `Retry-After` honoured; a longer one is cut to this.
    public var retryAfterCap: Duration = .seconds(30)
    /// Statuses worth another attempt.
    public var retryableStatuses: Set<Int> = [429, 500, 502, 503, 504]

    public init() {}

    public init(
        maxAttempts: Int, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(5),
        retryAfterCap: Duration = .seconds(30)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.retryAfterCap = retryAfterCap
    }

    public static let none = RetryPolicy(maxAttempts: 1)

    /// The upper bound of the backoff before retry number `retry` (1 for the first retry).
    public func backoffBound(retry: Int) -> Duration {
        let factor = Double(1 << min(max(retry - 1, 0), 30))
        let bound = baseDelay.seconds * factor
        return .milliseconds(Int64(min(bound, maxDelay.seconds) * 1000))
    }

    /// The wait before retry number `retry`: `Retry-After` (capped) when the server gave one,
    /// otherwise a uniformly random time in `0...backoffBound(retry:)` (full jitter).
    public func delay<R: RandomNumberGenerator>(retry: Int, retryAfter: Duration?, using rng: inout R) -> Duration {
        if let retryAfter {
            return min(max(retryAfter, .zero), retryAfterCap)
        }
        let boundMillis = Int64(backoffBound(retry: retry).seconds * 1000)
        guard boundMillis > 0 else { return .zero }
        return .milliseconds(Int64.random(in: 0...boundMillis, using: &rng))
    }

    public func delay(retry: Int, retryAfter: Duration?) -> Duration {
        var rng = SystemRandomNumberGenerator()
        return delay(retry: retry, retryAfter: retryAfter, using: &rng)
    }
}
