import Foundation

/// The sandbox's time: token issue and expiry, and the day the seeded meetings start from.
/// By default the system's clock; a test moves it (`advance(by:)`) instead of waiting for a
/// token to expire. Shared by reference: the configuration's copy and the running server's are
/// the same clock.
public final class SandboxClock: Sendable {
    private let offset = Locked<Int64>(0)

    public init() {}

    /// Epoch milliseconds, now (the system's clock plus what `advance(by:)` added).
    public var nowMilliseconds: Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) + offset.withLock { $0 }
    }

    /// Moves the clock by `duration` (negative: back).
    public func advance(by duration: Duration) {
        offset.withLock { $0 += duration.milliseconds }
    }
}
