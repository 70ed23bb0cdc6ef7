import CoClickAPI
import CoClickSandbox
import CoClickSandboxTesting
import Foundation
import Synchronization

@testable import CoClickLua

/// A sandbox over loopback, a real client of it (memory token store, tiny retry delays, its
/// trace recorded) and a Lua state with the coclick.* bindings over that client.
final class BindingsHarness: Sendable {
    let server: SandboxServer
    let client: CoClickClient
    private let events = TraceLog()
    private let checks = Mutex<[@Sendable () throws -> Void]>([])

    /// Defers an expectation to the test's own task: swift-testing attributes issues through task
    /// locals, which the Lua thread does not have.
    func check(_ expectation: @escaping @Sendable () throws -> Void) {
        checks.withLock { $0.append(expectation) }
    }

    /// Runs the deferred expectations, in order, and lets them go (they capture the harness:
    /// kept, they would keep it, its sandbox and its client alive for good).
    func runChecks() throws {
        let pending = checks.withLock { list in
            defer { list.removeAll() }
            return list
        }
        for expectation in pending { try expectation() }
    }

    init(server: SandboxServer) {
        self.server = server
        let configuration = TestSandbox.clientConfiguration(server)
        let events = self.events
        client = CoClickClient(
            configuration: configuration, tokenStore: MemoryTokenStore(),
            trace: { event in
                let now = ContinuousClock.now
                events.append(event, end: now)
            })
    }

    var trace: [HTTPTraceEvent] { events.all.map(\.event) }

    /// Attempts of `method` on a path ending with `suffix` (query ignored).
    func attempts(_ method: String, _ suffix: String) -> [HTTPTraceEvent] {
        trace.filter { $0.method == method && $0.url.split(separator: "?")[0].hasSuffix(suffix) }
    }

    /// List requests: GET .../meetings.
    var listRequests: Int { attempts("GET", "/meetings").count }

    /// The most requests of `method` to URLs containing `fragment` that were in flight at once,
    /// from the trace's end times and durations (overlaps under 1 ms ignored).
    func maxInFlight(_ method: String, containing fragment: String) -> Int {
        let spans = events.all
            .filter { $0.event.method == method && $0.event.url.contains(fragment) }
            .map { (start: $0.end - $0.event.duration, end: $0.end) }
        var most = 0
        for span in spans {
            let probe = span.start + .milliseconds(1)
            most = max(most, spans.filter { $0.start <= probe && $0.end > probe }.count)
        }
        return most
    }

    /// Makes a Lua state with the bindings installed over this client.
    func makeState() throws -> LuaState {
        let state = try LuaState()
        let client = self.client
        CoClickBindings.install(in: state) { client }
        state.register("list_requests") { [unowned self] call in
            call.push(self.listRequests)
            return .values(1)
        }
        return state
    }
}

/// Starts a sandbox, runs `body` with a harness on a thread of its own (bindings block their
/// thread while requests run: never a concurrency pool thread), then stops everything.
func withBindings<T: Sendable>(
    meetings: Int = 60, faults: String = "",
    _ body: @escaping @Sendable (BindingsHarness) throws -> T
) async throws -> T {
    let server = try await TestSandbox.start(meetings: meetings, faults: faults)
    let harness = BindingsHarness(server: server)
    let result = await onLuaThread { try body(harness) }
    let checked = Result { try harness.runChecks() }
    try? await harness.client.shutdown()
    await server.stop()
    try checked.get()
    return try result.get()
}

/// Runs `body` on a new thread and waits for it without blocking the caller's thread.
func onLuaThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async -> Result<T, any Error> {
    await withCheckedContinuation { continuation in
        let thread = Thread {
            continuation.resume(returning: Result { try body() })
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// Runs `code` and returns its results as JSON (nil for values without a JSON form).
func run(_ code: String, _ state: LuaState) throws -> [JSONValue?] {
    try state.evaluate(code).map(\.json)
}

/// Trace events with the instant each was reported (the end of its attempt).
final class TraceLog: Sendable {
    private let entries = Mutex<[(event: HTTPTraceEvent, end: ContinuousClock.Instant)]>([])
    func append(_ event: HTTPTraceEvent, end: ContinuousClock.Instant) { entries.withLock { $0.append((event, end)) } }
    var all: [(event: HTTPTraceEvent, end: ContinuousClock.Instant)] { entries.withLock { $0 } }
}
