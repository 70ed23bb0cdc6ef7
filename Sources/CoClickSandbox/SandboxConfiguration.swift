/// How a `SandboxServer` is set up. Every field has a default, as in async-http-client.
public struct SandboxConfiguration: Sendable {
    /// Interface to bind; the sandbox is meant for loopback.
    public var host = "127.0.0.1"
    /// TCP port; 0 picks a free one (read it back from `SandboxServer.baseURL`).
    public var port = 0
    /// Seed of the demo data, the demo key pair and the fault decisions.
    public var seed: UInt64 = 1
    /// Number of seeded meetings.
    public var meetingCount = 60
    /// Lifetime of issued tokens (a `token_ttl` fault item overrides it).
    public var tokenTTL: Duration = .seconds(3600)
    /// Faults injected from the start; `SandboxServer.setFaults` replaces them.
    public var faults: FaultPlan = FaultPlan()
    /// The sandbox's time (tokens' expiry, the seeded meetings' first day): the system's clock
    /// unless a test injects one it moves.
    public var clock = SandboxClock()

    public init() {}
}
