import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A response read in full (within the size limit).
struct HTTPExchange: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: Data
    /// True when the body was cut at the limit (webhook replies only).
    var truncated = false

    var contentType: String? { headers.first(name: "content-type") }
}

/// Collects a reply on its connection's event loop as AHC hands it over (AHC calls a delegate
/// there only): the waiting task is resumed once, with the whole exchange, where the async
/// body stream resumed it for every chunk; the size limit is applied as bytes arrive.
final class BodyCollector: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = HTTPExchange
    /// Thrown to stop reading at the limit of a body that may be cut (`truncate`).
    struct Cut: Error {}

    private let limit: Int
    private let truncate: Bool
    private var head: HTTPResponseHead?
    private var body = Data()

    init(limit: Int, truncate: Bool) {
        self.limit = limit
        self.truncate = truncate
    }

    /// What arrived before a `Cut`: read only after the request ended.
    var cutExchange: HTTPExchange {
        HTTPExchange(status: Int(head?.status.code ?? 0), headers: head?.headers ?? [:], body: body, truncated: true)
    }

    func didReceiveHead(task: HTTPClient.Task<HTTPExchange>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        self.head = head
        // A body announced over the limit is refused before it is read.
        let length = head.headers.first(name: "content-length").flatMap { Int($0) }
        if !truncate, let length, length > limit {
            return task.eventLoop.makeFailedFuture(NIOTooManyBytesError(maxBytes: limit))
        }
        // Room for an announced body at once (up to 1 MiB: the announcement is the server's word).
        if let length, length > 0 { body.reserveCapacity(min(length, limit, 1 << 20)) }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<HTTPExchange>, _ part: ByteBuffer) -> EventLoopFuture<Void> {
        let room = limit - body.count
        guard part.readableBytes <= room else {
            guard truncate else { return task.eventLoop.makeFailedFuture(NIOTooManyBytesError(maxBytes: limit)) }
            append(part, upTo: room)
            return task.eventLoop.makeFailedFuture(Cut())
        }
        append(part, upTo: part.readableBytes)
        return task.eventLoop.makeSucceededVoidFuture()
    }

    /// The first `count` readable bytes of `part`, copied from its storage (`Data`'s generic
    /// append took a dynamic cast and an iterator per part).
    private func append(_ part: ByteBuffer, upTo count: Int) {
        part.withUnsafeReadableBytes { raw in
            guard let start = raw.baseAddress, count > 0 else { return }
            body.append(start.assumingMemoryBound(to: UInt8.self), count: min(count, raw.count))
        }
    }

    func didFinishRequest(task: HTTPClient.Task<HTTPExchange>) throws -> HTTPExchange {
        guard let head else { throw HTTPClientError.remoteConnectionClosed }
        return HTTPExchange(status: Int(head.status.code), headers: head.headers, body: body)
    }
}

/// A task executor running its jobs on an event loop: a task that sends requests and reads
/// their replies there is resumed where the reply arrived, with no hand-off to another thread.
/// Never for work that waits on that loop synchronously.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// One request as the transport sends it.
struct HTTPRequestSpec: Sendable {
    var method: HTTPMethod
    var url: String
    var headers: [(String, String)] = []
    var body: Data?
    /// GET: retried on retryable statuses and on failures after sending. Others are retried
    /// only when the request certainly never left (a failed connection attempt).
    var idempotent: Bool { method == .GET || method == .HEAD }
    /// Read the body up to this many bytes; beyond it, fail (`truncate == false`) or cut.
    var bodyLimit: Int
    var truncate = false
    var retry: RetryPolicy
    /// The URL as the trace shows it.
    var tracedURL: String?
    /// Told of each retry after a 429 or 503 (a window of page requests backs off on it).
    var throttle: ThrottleSignal?
}

/// The single HTTP client of a `CoClickClient`: timeouts, body limits, retries, tracing.
final class HTTPTransport: Sendable {
    let http: HTTPClient
    private let eventLoops: MultiThreadedEventLoopGroup
    /// Runs tasks on the client's event loop, where their replies arrive (see `PageWindow`).
    let executor: EventLoopTaskExecutor
    let requestTimeout: Duration
    let userAgent: String
    let trace: (@Sendable (HTTPTraceEvent) -> Void)?
    let statistics: ClientStatistics?

    init(
        configuration: CoClickConfiguration, trace: (@Sendable (HTTPTraceEvent) -> Void)?,
        statistics: ClientStatistics? = nil
    ) {
        var config = HTTPClient.Configuration()
        // No idle-read timeout: every request has a deadline of the same length covering it to
        // its body's end (`attemptOnce`), and the read timer AHC re-armed per request cost 2 %
        // of a listing's CPU.
        config.timeout = .init(connect: .nanoseconds(Int64(configuration.connectTimeout.seconds * 1e9)))
        // Connection failures surface at once; this type retries them itself, within its policy.
        config.connectionPool.retryConnectionEstablishment = false
        // A redirect could carry the bearer token to another host.
        config.redirectConfiguration = .disallow
        // Certificates are always verified, against the system's roots and any extra ones.
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        if !configuration.extraTrustRoots.certificates.isEmpty {
            tls.additionalTrustRoots = [.certificates(configuration.extraTrustRoots.certificates)]
        }
        config.tlsConfiguration = tls
        // No distributed tracing: AHC's default, the global no-op tracer, still costs every
        // request a dynamic cast, a span and its attributes (4 % of a listing's event-loop time).
        config.tracing.tracer = nil
        // NIO's ClientBootstrap sets TCP_NODELAY on every connection (no Nagle stalls).
        // One event-loop thread of its own: every connection's reads, timers and hand-offs meet
        // on one thread. Listing 100,000 meetings (8 requests in flight) took 0.52 s of CPU on
        // NIO's shared group (a thread per core, waking each other) and 0.36 s on one thread.
        self.eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.http = HTTPClient(eventLoopGroup: eventLoops, configuration: config)
        self.executor = EventLoopTaskExecutor(eventLoops.next())
        self.requestTimeout = configuration.requestTimeout
        self.userAgent = configuration.userAgent
        self.trace = trace
        self.statistics = statistics
    }

    func shutdown() async throws {
        try await http.shutdown()
        try await eventLoops.shutdownGracefully()
    }

    /// Sends `spec`, retrying as its policy allows. Returns any response that arrived (the
    /// caller classifies statuses); throws `CoClickError` (`network`, `timeout`, `decode` for an
    /// oversized body) or `CancellationError`.
    func send(_ spec: HTTPRequestSpec) async throws -> HTTPExchange {
        var attempt = 1
        while true {
            try Task.checkCancellation()
            let started = ContinuousClock.now
            do {
                let exchange = try await attemptOnce(spec)
                report(spec, attempt: attempt, started: started, status: exchange.status, bytes: exchange.body.count)
                let status = exchange.status
                if spec.idempotent, spec.retry.retryableStatuses.contains(status), attempt < spec.retry.maxAttempts {
                    let retryAfter = exchange.headers.first(name: "retry-after").flatMap { RetryAfter.parse($0) }
                    let delay = spec.retry.delay(retry: attempt, retryAfter: retryAfter)
                    if status == 429 || status == 503 { spec.throttle?.throttled(retryingAfter: delay) }
                    try await Task.sleep(for: delay)
                    attempt += 1
                    continue
                }
                return exchange
            } catch let failure as AttemptFailure {
                report(spec, attempt: attempt, started: started, status: nil, bytes: 0, error: failure.error.description)
                let mayRetry = failure.retryable && (spec.idempotent || !failure.mayHaveReachedServer)
                if mayRetry, attempt < spec.retry.maxAttempts {
                    try await Task.sleep(for: spec.retry.delay(retry: attempt, retryAfter: nil))
                    attempt += 1
                    continue
                }
                var error = failure.error
                error.requestNeverSent = !failure.mayHaveReachedServer
                throw error
            }
        }
    }

    private func report(
        _ spec: HTTPRequestSpec, attempt: Int, started: ContinuousClock.Instant,
        status: Int?, bytes: Int, error: String? = nil
    ) {
        statistics?.update { counts in
            counts.requests += 1
            if attempt > 1 { counts.retries += 1 }
            counts.bytesReceived += bytes
        }
        guard let trace else { return }
        trace(
            HTTPTraceEvent(
                method: spec.method.rawValue, url: spec.tracedURL ?? spec.url, status: status,
                duration: ContinuousClock.now - started, bytes: bytes, attempt: attempt, error: error))
    }

    /// One attempt, bounded by the request timeout from the first byte sent to the last read:
    /// AHC's deadline covers a delegate's request until its body's end (its async API's deadline
    /// ends at the head, which needed a racing timer task per request).
    private func attemptOnce(_ spec: HTTPRequestSpec) async throws -> HTTPExchange {
        let collector = BodyCollector(limit: spec.bodyLimit, truncate: spec.truncate)
        do {
            var headers = HTTPHeaders()
            headers.add(name: "User-Agent", value: userAgent)
            headers.add(name: "Accept", value: "application/json")
            for (name, value) in spec.headers { headers.replaceOrAdd(name: name, value: value) }
            if spec.body != nil { headers.replaceOrAdd(name: "Content-Type", value: "application/json") }
            let request = try HTTPClient.Request(url: spec.url, method: spec.method, headers: headers, body: spec.body.map { .data($0) })
            let deadline = NIODeadline.now() + .nanoseconds(Int64(requestTimeout.seconds * 1e9))
            let task = http.execute(request: request, delegate: collector, eventLoop: .indifferent, deadline: deadline)
            return try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
        } catch is BodyCollector.Cut {
            return collector.cutExchange
        } catch {
            if Task.isCancelled { throw CancellationError() }
            if let e = error as? HTTPClientError, e == .deadlineExceeded {
                throw AttemptFailure(
                    CoClickError(.timeout, message: "no complete response within \(Self.format(requestTimeout))"),
                    retryable: true, mayHaveReachedServer: true)
            }
            throw AttemptFailure.classify(error, url: spec.url, limit: spec.bodyLimit)
        }
    }

    static func format(_ d: Duration) -> String {
        let s = d.seconds
        return s < 1 ? "\(Int(s * 1000)) ms" : String(format: s == s.rounded() ? "%.0f s" : "%.1f s", s)
    }
}

/// A failed attempt: the error to report, and what it allows.
struct AttemptFailure: Error {
    var error: CoClickError
    var retryable: Bool
    /// False only when the request certainly never left (the connection was never made).
    var mayHaveReachedServer: Bool

    init(_ error: CoClickError, retryable: Bool, mayHaveReachedServer: Bool) {
        self.error = error
        self.retryable = retryable
        self.mayHaveReachedServer = mayHaveReachedServer
    }

    static func classify(_ error: any Error, url: String, limit: Int) -> AttemptFailure {
        let host = Self.hostPart(url)
        if error is NIOTooManyBytesError {
            return AttemptFailure(
                CoClickError(.decode, message: "response body larger than the \(limit)-byte limit"),
                retryable: false, mayHaveReachedServer: true)
        }
        if let e = error as? HTTPClientError {
            if [.connectTimeout, .getConnectionFromPoolTimeout, .tlsHandshakeTimeout].contains(e) {
                return AttemptFailure(
                    CoClickError(.timeout, message: "cannot connect to \(host): timed out"),
                    retryable: true, mayHaveReachedServer: false)
            }
            if [.readTimeout, .writeTimeout, .deadlineExceeded].contains(e) {
                return AttemptFailure(
                    CoClickError(.timeout, message: "\(host) did not answer in time"),
                    retryable: true, mayHaveReachedServer: true)
            }
            if e == .remoteConnectionClosed {
                return AttemptFailure(
                    CoClickError(.network, message: "\(host) closed the connection"),
                    retryable: true, mayHaveReachedServer: true)
            }
            if [.invalidURL, .emptyHost, .emptyScheme].contains(e) || "\(e)".contains("unsupportedScheme") {
                return AttemptFailure(
                    CoClickError(.network, message: "invalid URL \(HTTPTraceEvent.redactURL(url))"),
                    retryable: false, mayHaveReachedServer: false)
            }
            if e == .alreadyShutdown {
                return AttemptFailure(
                    CoClickError(.network, message: "the HTTP client is shut down"),
                    retryable: false, mayHaveReachedServer: false)
            }
            return AttemptFailure(CoClickError(.network, message: "\(host): \(e)"), retryable: true, mayHaveReachedServer: true)
        }
        if error is HTTPParserError {
            // Typically a body cut short of its Content-Length by the connection closing.
            return AttemptFailure(
                CoClickError(.network, message: "\(host): the reply was cut short or is not valid HTTP (\(error))"),
                retryable: true, mayHaveReachedServer: true)
        }
        if error is NIOConnectionError {
            return AttemptFailure(
                CoClickError(.network, message: "cannot connect to \(host): \(Self.connectReason(error))"),
                retryable: true, mayHaveReachedServer: false)
        }
        if let e = error as? ChannelError, case .connectTimeout = e {
            return AttemptFailure(
                CoClickError(.timeout, message: "cannot connect to \(host): timed out"),
                retryable: true, mayHaveReachedServer: false)
        }
        if let e = error as? IOError, e.errnoCode == ECONNREFUSED {
            return AttemptFailure(
                CoClickError(.network, message: "cannot connect to \(host): connection refused"),
                retryable: true, mayHaveReachedServer: false)
        }
        return AttemptFailure(CoClickError(.network, message: "\(host): \(error)"), retryable: true, mayHaveReachedServer: true)
    }

    private static func connectReason(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("refused") || text.contains("111") { return "connection refused" }
        return Redactor.scrubJWTs(String(text.prefix(200)))
    }

    /// `scheme://host:port` only: error messages never carry paths or queries.
    static func hostPart(_ url: String) -> String {
        guard let u = URL(string: url), let host = u.host else { return "the server" }
        return "\(u.scheme ?? "http")://\(host)\(u.port.map { ":\($0)" } ?? "")"
    }
}
