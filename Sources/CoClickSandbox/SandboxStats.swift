/// Counters of what a sandbox has served, for tests and for the curious.
public struct SandboxStats: Sendable, Equatable, CustomStringConvertible {
    /// Every request received, faulted or not.
    public var requests = 0
    /// POST requests other than to `/authenticate` (writes: what `--dry-run` must never send).
    public var writes = 0
    /// Successful `POST /authenticate`.
    public var authentications = 0
    /// `POST /authenticate` answered 401 (a wrong key pair).
    public var rejectedAuthentications = 0
    /// Meeting requests answered 401 (no, unknown or expired token).
    public var unauthorized = 0
    /// Meetings created by `POST /meetings`.
    public var meetingsCreated = 0
    /// Creation attempts rejected by validation (422).
    public var validationFailures = 0
    /// Faults injected (status, malformed, html, hang; latency is not counted).
    public var faultsInjected = 0
    /// `GET /meetings` requests being served now (latency included), and the most at once:
    /// how a client's paging window looks from the server.
    public var listsInFlight = 0
    public var mostListsInFlight = 0
    /// Requests being answered now (any route), and the most at once.
    public var requestsInFlight = 0
    public var mostRequestsInFlight = 0

    public init() {}

    public var description: String {
        "requests=\(requests) writes=\(writes) authentications=\(authentications) rejected=\(rejectedAuthentications) "
            + "unauthorized=\(unauthorized) created=\(meetingsCreated) invalid=\(validationFailures) faults=\(faultsInjected) "
            + "most_lists_in_flight=\(mostListsInFlight) most_in_flight=\(mostRequestsInFlight)"
    }
}
