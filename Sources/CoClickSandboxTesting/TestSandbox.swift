import CoClickAPI
import CoClickSandbox

/// The tests' one way to run a sandbox in-process: every suite that needs one (the API core's,
/// the Lua bindings', the sandbox's own, the binary's) starts it here. A field left nil keeps
/// `SandboxConfiguration`'s default; `clock` is shared with the test, which moves it instead of
/// waiting (token expiry, renewal).
public enum TestSandbox {
    public static func configuration(
        meetings: Int? = nil, tokenTTL: Duration? = nil, faults: String? = nil, clock: SandboxClock? = nil,
        configure: (inout SandboxConfiguration) throws -> Void = { _ in }
    ) throws -> SandboxConfiguration {
        var configuration = SandboxConfiguration()
        if let meetings { configuration.meetingCount = meetings }
        if let tokenTTL { configuration.tokenTTL = tokenTTL }
        if let faults { configuration.faults = try FaultPlan(parsing: faults) }
        if let clock { configuration.clock = clock }
        try configure(&configuration)
        return configuration
    }

    /// A running sandbox; the caller stops it.
    public static func start(
        meetings: Int? = nil, tokenTTL: Duration? = nil, faults: String? = nil, clock: SandboxClock? = nil,
        configure: (inout SandboxConfiguration) throws -> Void = { _ in }
    ) async throws -> SandboxServer {
        try await SandboxServer.start(
            configuration(
                meetings: meetings, tokenTTL: tokenTTL, faults: faults,
                clock: clock, configure: configure))
    }

    /// A client configuration for `server`: its key pair, retries a few milliseconds apart (a
    /// test waits for no back-off), a 10 s request timeout.
    public static func clientConfiguration(_ server: SandboxServer) -> CoClickConfiguration {
        var configuration = CoClickConfiguration(
            baseURL: server.baseURL, credentials: Credentials(secretID: server.secretID, secretKey: server.secretKey))
        configuration.retry = RetryPolicy(
            maxAttempts: 4, baseDelay: .milliseconds(5), maxDelay: .milliseconds(20),
            retryAfterCap: .seconds(3))
        configuration.requestTimeout = .seconds(10)
        return configuration
    }
}

/// Starts a sandbox (`TestSandbox.start`), runs `body` with it, and stops it whatever happens.
public func withSandbox<T>(
    meetings: Int? = nil, tokenTTL: Duration? = nil, faults: String? = nil, clock: SandboxClock? = nil,
    configure: (inout SandboxConfiguration) throws -> Void = { _ in },
    _ body: (SandboxServer) async throws -> T
) async throws -> T {
    let server = try await TestSandbox.start(
        meetings: meetings, tokenTTL: tokenTTL, faults: faults, clock: clock,
        configure: configure)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}
