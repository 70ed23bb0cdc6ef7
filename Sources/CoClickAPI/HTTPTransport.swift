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
    let http: HTTP1Client
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
        // Certificates are always verified, against the system's roots and any extra ones.
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        if !configuration.extraTrustRoots.certificates.isEmpty {
            tls.additionalTrustRoots = [.certificates(configuration.extraTrustRoots.certificates)]
        }
        // One event-loop thread of its own: every connection's reads, timers and hand-offs meet
        // on one thread. Listing 100,000 meetings (8 requests in flight) took 0.52 s of CPU on
        // NIO's shared group (a thread per core, waking each other) and 0.36 s on one thread.
        // NIO's ClientBootstrap sets TCP_NODELAY on every connection (no Nagle stalls).
        self.eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = eventLoops.next()
        var client = HTTP1Client.Configuration(
            connectTimeout: .nanoseconds(Int64(configuration.connectTimeout.seconds * 1e9)), tls: tls)
        if let statistics {
            client.connectionOpened = { statistics.update { $0.connections += 1 } }
        }
        self.http = HTTP1Client(loop: loop, configuration: client)
        self.executor = EventLoopTaskExecutor(loop)
        self.requestTimeout = configuration.requestTimeout
        self.userAgent = configuration.userAgent
        self.trace = trace
        self.statistics = statistics
    }

    func shutdown() async throws {
        await http.shutdown()
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

    /// One attempt, bounded by the request timeout from the first byte sent to the last read.
    private func attemptOnce(_ spec: HTTPRequestSpec) async throws -> HTTPExchange {
        guard let target = HTTPRequestTarget(spec.url) else {
            throw AttemptFailure(
                CoClickError(.network, message: "invalid URL \(HTTPTraceEvent.redactURL(spec.url))"),
                retryable: false, mayHaveReachedServer: false)
        }
        var headers = HTTPHeaders()
        headers.add(name: "User-Agent", value: userAgent)
        headers.add(name: "Accept", value: "application/json")
        for (name, value) in spec.headers { headers.replaceOrAdd(name: name, value: value) }
        var body: ByteBuffer?
        if let data = spec.body {
            headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            body = ByteBuffer(bytes: data)
        }
        // The framing is the client's own: a body's length, or none for a GET.
        headers.remove(name: "Content-Length")
        headers.remove(name: "Transfer-Encoding")
        if let body {
            headers.add(name: "Content-Length", value: String(body.readableBytes))
        } else if spec.method != .GET, spec.method != .HEAD, spec.method != .DELETE {
            headers.add(name: "Content-Length", value: "0")
        }
        headers.replaceOrAdd(name: "Host", value: target.origin.hostHeader)
        guard Self.headersAreValid(headers) else {
            throw AttemptFailure(
                CoClickError(
                    .network,
                    message: "\(AttemptFailure.hostPart(spec.url)): a request header's name or value holds a character HTTP forbids"),
                retryable: false, mayHaveReachedServer: false)
        }
        let deadline = NIODeadline.now() + .nanoseconds(Int64(requestTimeout.seconds * 1e9))
        let request = HTTP1Request(method: spec.method, target: target, headers: headers, body: body)
        let exchange = http.execute(request, bodyLimit: spec.bodyLimit, truncate: spec.truncate, deadline: deadline)
        do {
            return try await withTaskCancellationHandler {
                try await exchange.promise.futureResult.get()
            } onCancel: { [http] in
                http.cancel(exchange, with: CancellationError())
            }
        } catch {
            if Task.isCancelled || error is CancellationError { throw CancellationError() }
            if let e = error as? HTTP1Error, e == .deadlineExceeded {
                throw AttemptFailure(
                    CoClickError(.timeout, message: "no complete response within \(Self.format(requestTimeout))"),
                    retryable: true, mayHaveReachedServer: true)
            }
            throw AttemptFailure.classify(error, url: spec.url, limit: spec.bodyLimit)
        }
    }

    /// Names are tokens (RFC 9110); values hold no control byte but tab (no line break that
    /// would start a header or a request of its own).
    static func headersAreValid(_ headers: HTTPHeaders) -> Bool {
        headers.allSatisfy { name, value in
            !name.isEmpty && allBytes(of: name, are: isTokenByte) && allBytes(of: value) { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }
        }
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// Over the string's own storage when it has one (a bearer token is 300 bytes, checked on
    /// every request: the UTF-8 view's iterator took 7 instructions a byte).
    private static func allBytes(of text: String, are test: (UInt8) -> Bool) -> Bool {
        if let result = text.utf8.withContiguousStorageIfAvailable({ $0.allSatisfy(test) }) { return result }
        return text.utf8.allSatisfy(test)
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
        if let failure = error as? HTTP1ConnectError { return connectFailure(failure.underlying, host: host) }
        if let e = error as? HTTP1Error {
            if e == .bodyTooLarge {
                return AttemptFailure(
                    CoClickError(.decode, message: "response body larger than the \(limit)-byte limit"),
                    retryable: false, mayHaveReachedServer: true)
            }
            if e == .remoteConnectionClosed {
                return AttemptFailure(
                    CoClickError(.network, message: "\(host) closed the connection"),
                    retryable: true, mayHaveReachedServer: true)
            }
            if e == .shutDown {
                return AttemptFailure(
                    CoClickError(.network, message: "the HTTP client is shut down"),
                    retryable: false, mayHaveReachedServer: false)
            }
            return AttemptFailure(
                CoClickError(.timeout, message: "\(host) did not answer in time"),
                retryable: true, mayHaveReachedServer: true)
        }
        if error is HTTPParserError {
            // Typically a body cut short of its Content-Length by the connection closing.
            return AttemptFailure(
                CoClickError(.network, message: "\(host): the reply was cut short or is not valid HTTP (\(error))"),
                retryable: true, mayHaveReachedServer: true)
        }
        if let e = error as? ChannelError, e == .ioOnClosedChannel || e == .alreadyClosed || e == .eof {
            return AttemptFailure(
                CoClickError(.network, message: "\(host) closed the connection"),
                retryable: true, mayHaveReachedServer: true)
        }
        return AttemptFailure(
            CoClickError(.network, message: "\(host): \(Redactor.scrubJWTs(String(String(describing: error).prefix(300))))"),
            retryable: true, mayHaveReachedServer: true)
    }

    /// The connection (TCP, then TLS's set-up) could not be made: the request never left.
    private static func connectFailure(_ error: any Error, host: String) -> AttemptFailure {
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
        return AttemptFailure(
            CoClickError(.network, message: "cannot connect to \(host): \(Self.connectReason(error))"),
            retryable: true, mayHaveReachedServer: false)
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
