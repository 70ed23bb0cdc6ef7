import Foundation

/// What a client did, for `--report`: HTTP attempts, retries, pages, meetings, bytes. Shared by
/// the client's concurrent requests, so every count is behind a lock.
public final class ClientStatistics: @unchecked Sendable {
    public struct Counts: Sendable, Equatable {
        /// HTTP attempts, retries and authentication included.
        public var requests = 0
        /// Attempts after the first of a request.
        public var retries = 0
        /// Pages of `GET /meetings` received.
        public var pages = 0
        /// Meetings received: summaries in pages, and full meetings.
        public var meetingsRead = 0
        /// Meetings a `POST /meetings` created.
        public var meetingsCreated = 0
        /// Response body bytes received.
        public var bytesReceived = 0
        /// Connections opened (kept alive, one serves many requests).
        public var connections = 0
        public init() {}
    }

    private let lock = NSLock()
    private var counts = Counts()

    public init() {}

    public var snapshot: Counts { lock.withLock { counts } }

    func update(_ change: (inout Counts) -> Void) {
        lock.withLock { change(&counts) }
    }
}
