import CoClickAPI
import CoClickSandbox
import CoClickSandboxTesting
import Foundation

/// A client of `server` with tiny retry delays, recording its trace.
final class TestClient: Sendable {
    let client: CoClickClient
    private let events = EventLog()

    init(_ server: SandboxServer, store: any TokenStore = MemoryTokenStore(), adjust: (inout CoClickConfiguration) -> Void = { _ in }) {
        var configuration = TestSandbox.clientConfiguration(server)
        adjust(&configuration)
        let events = self.events
        client = CoClickClient(
            configuration: configuration, tokenStore: store,
            trace: { event in
                events.append(event)
            })
    }

    var trace: [HTTPTraceEvent] { events.all }

    func attempts(_ method: String, _ pathSuffix: String) -> [HTTPTraceEvent] {
        trace.filter { $0.method == method && $0.url.split(separator: "?")[0].hasSuffix(pathSuffix) }
    }

    /// Runs `body` and shuts the client down afterwards.
    func run<T>(_ body: (CoClickClient) async throws -> T) async throws -> T {
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}

func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "coclick-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

// An NSLock rather than Synchronization's Mutex: on Linux the Mutex waits on a futex, which
// ThreadSanitizer does not see, so `scripts/test tsan` reported its accesses as races.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [HTTPTraceEvent] = []
    func append(_ event: HTTPTraceEvent) { lock.withLock { events.append(event) } }
    var all: [HTTPTraceEvent] { lock.withLock { events } }
}
