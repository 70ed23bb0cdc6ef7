import Foundation
import NIOHTTP1

/// The typed CoClick client. One shared HTTP connection pool; call `shutdown()` when done.
public final class CoClickClient: Sendable {
    public let configuration: CoClickConfiguration
    let transport: HTTPTransport
    /// Runs tasks on the client's event loop (a caller that waits for pages from there).
    package var taskExecutor: any TaskExecutor { transport.executor }
    let tokens: TokenProvider
    let tokenStore: any TokenStore
    let tokenKey: TokenKey
    /// The run's secrets: the key from the start, each token as soon as it is issued or read
    /// from the store. Every error the client throws is scrubbed with it where it is made.
    public let redaction: Redaction
    /// What this client did (`--report`), when the host asked for counts.
    public let statistics: ClientStatistics?

    /// - Parameter redaction: shared with the caller's output paths (pass the run's own, which
    ///   may know the key already); the client adds the key and every token it obtains.
    public init(
        configuration: CoClickConfiguration, tokenStore: any TokenStore = MemoryTokenStore(),
        redaction: Redaction = Redaction(), trace: (@Sendable (HTTPTraceEvent) -> Void)? = nil,
        statistics: ClientStatistics? = nil
    ) {
        self.configuration = configuration
        self.statistics = statistics
        let transport = HTTPTransport(configuration: configuration, trace: trace, statistics: statistics)
        self.transport = transport
        if let credentials = configuration.credentials { redaction.add(credentials.secretKey) }
        self.redaction = redaction
        let tokenStore = RedactingTokenStore(base: tokenStore, redaction: redaction)
        self.tokenStore = tokenStore
        let key = TokenKey(
            profile: configuration.profile, baseURL: configuration.baseURL,
            secretID: configuration.credentials?.secretID ?? "")
        self.tokenKey = key
        let authenticator = Authenticator(configuration: configuration, transport: transport, redaction: redaction)
        self.tokens = TokenProvider(
            key: key, store: tokenStore, margin: configuration.tokenRenewalMargin,
            authenticate: { try await authenticator.authenticate() })
    }

    /// Closes the connection pool. The client cannot be used afterwards.
    public func shutdown() async throws {
        try await transport.shutdown()
    }

    /// The current token, authenticating (or reading the cache) if needed.
    public func token() async throws -> Token {
        try await tokens.token()
    }

    /// Forgets the cached token, in memory and in the store (`coclick auth logout`).
    public func forgetToken() async throws {
        await tokens.reset()
        try await tokenStore.remove(tokenKey)
    }

    // MARK: - Authorized requests

    func url(_ path: String, query: String? = nil) -> String {
        let base = configuration.baseURL + path
        guard let query, !query.isEmpty else { return base }
        return base + "?" + query
    }

    /// Sends a request with the bearer token; after a 401, renews the token once and repeats.
    /// Returns a 2xx exchange; any other status is thrown as a `CoClickError`.
    func authorized(
        _ method: HTTPMethod, url: String, tracedURL: String? = nil, headers: [(String, String)] = [],
        body: Data? = nil, throttle: ThrottleSignal? = nil, what: String, token obtained: Token? = nil
    ) async throws -> HTTPExchange {
        // A caller that just obtained the token passes it: one hop to the token actor less.
        var token: Token
        if let obtained { token = obtained } else { token = try await tokens.token() }
        var renewed = false
        while true {
            let spec = HTTPRequestSpec(
                method: method, url: url,
                headers: headers + [("Authorization", "Bearer \(token.value)")],
                body: body, bodyLimit: configuration.maxBodyBytes, retry: configuration.retry,
                tracedURL: tracedURL, throttle: throttle)
            let exchange: HTTPExchange
            do {
                exchange = try await transport.send(spec)
            } catch let error as CoClickError {
                throw error.redacted(by: redaction.current)
            }
            if exchange.status == 401 {
                if renewed {
                    throw CoClickError(
                        .unauthorized, status: 401,
                        message: "\(what): the token was refused again after renewing it")
                }
                token = try await tokens.renew(rejecting: token)
                renewed = true
                continue
            }
            let scrub = redaction.current.redact
            if let error = ResponseClassifier.error(
                status: exchange.status, body: exchange.body,
                contentType: exchange.contentType, scrub: scrub)
            {
                throw error
            }
            return exchange
        }
    }

    /// A GET whose reply `decode` turns into a value. A reply that does not decode (kind
    /// `decode`: truncated, not JSON, an HTML page, the wrong shape, a redirect, too large) is
    /// retried as the transport retries a 503, so that a flaky proxy is survived and a broken
    /// server fails with `decode` (exit 5) after the same few attempts.
    func get<Value>(
        url: String, tracedURL: String? = nil, headers: [(String, String)] = [],
        throttle: ThrottleSignal? = nil, what: String,
        decode: (HTTPExchange) throws -> Value
    ) async throws -> Value {
        let retry = configuration.retry
        var attempt = 1
        while true {
            // Outside the retry: a broken /authenticate reply fails at once (its POST is never retried).
            let token = try await tokens.token()
            do {
                return try decode(
                    try await authorized(
                        .GET, url: url, tracedURL: tracedURL, headers: headers,
                        throttle: throttle, what: what, token: token))
            } catch let error as CoClickError where error.kind == .decode && attempt < retry.maxAttempts {
                try await Task.sleep(for: retry.delay(retry: attempt, retryAfter: nil))
                attempt += 1
            }
        }
    }

    /// The body of a 2xx exchange as JSON; an HTML page or broken JSON is a `decode` error.
    func json(_ exchange: HTTPExchange, what: String) throws -> JSONValue {
        try jsonDocument(exchange, what: what).value(at: JSONDocument.root)
    }

    /// The same, parsed but not built (see `JSONDocument`).
    func jsonDocument(_ exchange: HTTPExchange, what: String) throws -> JSONDocument {
        do {
            return try JSONDocument.parse(exchange.body)
        } catch {
            var failure = ResponseClassifier.notJSON(
                status: exchange.status, body: exchange.body,
                contentType: exchange.contentType, what: what, scrub: redaction.current.redact)
            // Say what was wrong where ("nesting deeper than 512 at byte 6145"); not for an HTML page.
            if !ResponseClassifier.looksLikeHTML(exchange.body, contentType: exchange.contentType) {
                failure.message += ": \(error)"
            }
            throw failure
        }
    }
}

/// `POST /authenticate`. Never retried once it may have reached the server.
struct Authenticator: Sendable {
    let configuration: CoClickConfiguration
    let transport: HTTPTransport
    let redaction: Redaction

    func authenticate() async throws -> Token {
        try await authenticateReadingDate().token
    }

    /// Authenticates, and returns the server's `Date` header with the token (clock checks).
    func authenticateReadingDate() async throws -> (token: Token, serverDate: String?) {
        guard let credentials = configuration.credentials else {
            throw CoClickError(.unauthorized, message: "no API key pair configured (secret ID and secret key)")
        }
        let body: JSONValue = .object(["secret_id": .string(credentials.secretID), "secret_key": .string(credentials.secretKey)])
        var retry = configuration.retry
        retry.retryableStatuses = []
        let spec = HTTPRequestSpec(
            method: .POST, url: configuration.baseURL + "/authenticate",
            body: body.jsonData(), bodyLimit: 1 << 20, retry: retry)
        let exchange = try await transport.send(spec)
        // The body may hold a token: no excerpt of it ever goes into an error.
        if exchange.status == 401 || exchange.status == 403 {
            throw CoClickError(
                .unauthorized, status: exchange.status,
                message: "authentication rejected: check the secret ID and secret key")
        }
        if exchange.status == 400 || exchange.status == 422 {
            // The key pair is all this request sends: refused in the API's own words (a JSON
            // object, e.g. an `errors` object), it is the pair that is rejected, as by a 401.
            // Anything else (an HTML page, an empty body) is a broken server or proxy.
            guard case .object? = try? JSONValue.parse(exchange.body) else {
                throw CoClickError(
                    .decode, status: exchange.status,
                    message: "authenticate: HTTP \(exchange.status) without the API's JSON error body"
                        + (ResponseClassifier.looksLikeHTML(exchange.body, contentType: exchange.contentType)
                            ? " (an HTML page, not the API)" : ""))
            }
            // What the server said of the pair, scrubbed: a 422 may echo the key in its `errors`.
            var rejected = CoClickError(
                .unauthorized, status: exchange.status,
                message: "authentication rejected: check the secret ID and secret key")
            if let said = ResponseClassifier.error(
                status: exchange.status, body: exchange.body,
                contentType: exchange.contentType, scrub: redaction.current.redact)
            {
                rejected.message = "authentication rejected: " + said.message
                rejected.validationErrors = said.validationErrors
            }
            throw rejected
        }
        // A 422 may echo the key in its `errors`: scrubbed (validation errors included) here.
        if var error = ResponseClassifier.error(
            status: exchange.status, body: exchange.body,
            contentType: exchange.contentType, scrub: redaction.current.redact)
        {
            error.bodyExcerpt = nil
            error.message = "authenticate: " + error.message
            throw error
        }
        guard let json = try? JSONValue.parse(exchange.body) else {
            throw CoClickError(
                .decode, status: exchange.status,
                message: ResponseClassifier.looksLikeHTML(exchange.body, contentType: exchange.contentType)
                    ? "authenticate: got an HTML page instead of JSON" : "authenticate: response is not valid JSON")
        }
        let token = try Token(authenticationResponse: json, baseURL: configuration.baseURL)
        redaction.add(token.value)
        return (token, exchange.headers.first(name: "date"))
    }
}
