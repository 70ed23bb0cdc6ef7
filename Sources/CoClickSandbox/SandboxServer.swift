import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A CoClick-compatible API served in-process on loopback, for tests, demos and `coclick sandbox`.
///
/// ```swift
/// var configuration = SandboxConfiguration()
/// configuration.faults = try FaultPlan(parsing: "503=x1")
/// let sandbox = try await SandboxServer.start(configuration)
/// defer { Task { await sandbox.stop() } }
/// print(sandbox.baseURL)   // http://127.0.0.1:PORT/api/v1
/// ```
public final class SandboxServer: Sendable, CustomStringConvertible {
    /// `http://HOST:PORT/api/v1`, no trailing slash.
    public let baseURL: String
    /// The demo key pair (derived from the seed; a demo key is meant to be shown).
    public let secretID: String
    public let secretKey: String
    /// The bound port (useful when the configuration asked for 0).
    public let port: Int

    private let endpoints: SandboxEndpoints
    private let faults: FaultInjector
    private let hangs: HangRegistry
    private let group: ServiceGroup
    private let runTask: Task<Void, Never>

    private init(
        baseURL: String, port: Int, endpoints: SandboxEndpoints, faults: FaultInjector, hangs: HangRegistry,
        group: ServiceGroup, runTask: Task<Void, Never>
    ) {
        self.baseURL = baseURL
        self.port = port
        self.secretID = endpoints.seed.secretID
        self.secretKey = endpoints.seed.secretKey
        self.endpoints = endpoints
        self.faults = faults
        self.hangs = hangs
        self.group = group
        self.runTask = runTask
    }

    /// Binds, starts serving, and returns once the server accepts connections.
    public static func start(_ configuration: SandboxConfiguration) async throws -> SandboxServer {
        let now = configuration.clock.nowMilliseconds
        let dayStart = ISODate.floorDiv(now, ISODate.secondsPerDay * 1000) * ISODate.secondsPerDay
        let stats = Locked(SandboxStats())
        let endpoints = SandboxEndpoints(configuration: configuration, dayStart: dayStart, stats: stats)
        let faults = FaultInjector(plan: configuration.faults, seed: configuration.seed)
        let hangs = HangRegistry()
        let responder = SandboxResponder(
            endpoints: endpoints, faults: faults, hangs: hangs,
            fallbackOrigin: "http://\(configuration.host):\(configuration.port)"
        )
        // Hummingbird logs to stdout by default, and `coclick sandbox` owns stdout: stderr it is.
        // Its only error-level message is the CancellationError that stop() causes, hence .critical.
        var logger = Logger(label: "coclick.sandbox") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .critical

        let ready = StartSignal()
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in ready.finish(.success(channel.localAddress?.port ?? configuration.port)) },
            logger: logger
        )
        // In a service group of its own, so that stop() can shut it down gracefully.
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let runTask = Task {
            do {
                try await group.run()
                ready.finish(.failure(SandboxStartError(message: "the server stopped while starting")))
            } catch {
                ready.finish(.failure(SandboxStartError(message: "cannot listen on \(configuration.host):\(configuration.port): \(error)")))
            }
        }
        let port: Int
        do {
            port = try await ready.wait()
        } catch {
            runTask.cancel()
            throw error
        }
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return SandboxServer(
            baseURL: "http://\(host):\(port)/api/v1", port: port,
            endpoints: endpoints, faults: faults, hangs: hangs, group: group, runTask: runTask
        )
    }

    /// Replaces the fault plan; its `xN` counters and its random sequence start afresh.
    public func setFaults(_ plan: FaultPlan) {
        faults.set(plan)
    }

    /// The fault plan in force.
    public var faultPlan: FaultPlan { faults.plan }

    /// A snapshot of the counters.
    public var stats: SandboxStats { endpoints.stats.withLock { $0 } }

    /// The demo company's name, as `/authenticate` returns it.
    public var companyName: String { SeedData.companyName }

    /// The presenters' emails: the users a meeting may be created for.
    public var presenters: [String] { endpoints.seed.presenters }

    /// Stops serving: hung requests are dropped, open connections closed. Safe to call twice.
    public func stop() async {
        hangs.releaseAll()
        // Gracefully: the server stops accepting and serves what it accepted (a client's cancelled
        // requests, a paging window's pages past the end, may still be on their way in). Cancelling
        // it under them dropped accepted connections unserved, which NIO traps on. A connection
        // that does not let go within two seconds is cut by cancellation.
        await group.triggerGracefulShutdown()
        let runTask = self.runTask
        let deadline = Task {
            try await Task.sleep(for: .seconds(2))
            runTask.cancel()
        }
        await runTask.value
        deadline.cancel()
    }

    /// Never shows the secret key.
    public var description: String { "SandboxServer(\(baseURL), secretID: \(secretID))" }
}

/// The sandbox could not start (typically: the port is taken).
public struct SandboxStartError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { "sandbox: \(message)" }
}

/// One-shot hand-over of the bound port (or the start failure) from the server task to `start`.
private final class StartSignal: Sendable {
    private let state = Locked<(result: Result<Int, any Error>?, waiter: CheckedContinuation<Int, any Error>?)>((nil, nil))

    func finish(_ result: Result<Int, any Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<Int, any Error>? in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result)
    }

    func wait() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let result = state.withLock { state -> Result<Int, any Error>? in
                if let result = state.result { return result }
                state.waiter = continuation
                return nil
            }
            if let result { continuation.resume(with: result) }
        }
    }
}
