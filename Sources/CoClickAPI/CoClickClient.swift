import AsyncHTTPClient
import Foundation
import NIOHTTP1

/// The typed CoClick client. One shared HTTP connection pool; call `shutdown()` when done.
public final class CoClickClient: Sendable {
    public let configuration: CoClickConfiguration
    let transport: HTTPTransport
    let tokens: TokenProvider
    let tokenStore: any TokenStore
    let tokenKey: TokenKey
    let redactor: Redactor
    /// What this client did (`--report`), when the host asked for counts.
    public let statistics: ClientStatistics?

    public init(configuration: CoClickConfiguration, tokenStore: any TokenStore = MemoryTokenStore(),
                trace: (@Sendable (HTTPTraceEvent) -> Void)? = nil, statistics: ClientStatistics? = nil) {
        self.configuration = configuration
        self.statistics = statistics
        let transport = HTTPTransport(configuration: configuration, trace: trace, statistics: statistics)
        self.transport = transport
        self.tokenStore = tokenStore
        let key = TokenKey(profile: configuration.profile, baseURL: configuration.baseURL,
                           secretID: configuration.credentials?.secretID ?? "")
        self.tokenKey = key
        self.redactor = Redactor(secrets: configuration.credentials.map { [$0.secretKey] } ?? [])
        let authenticator = Authenticator(configuration: configuration, transport: transport)
        self.tokens = TokenProvider(key: key, store: tokenStore, margin: configuration.tokenRenewalMargin,
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
    func authorized(_ method: HTTPMethod, url: String, tracedURL: String? = nil, headers: [(String, String)] = [],
                    body: Data? = nil, what: String) async throws -> HTTPExchange {
        var token = try await tokens.token()
        var renewed = false
        while true {
            let spec = HTTPRequestSpec(method: method, url: url,
                                       headers: headers + [("Authorization", "Bearer \(token.value)")],
                                       body: body, bodyLimit: configuration.maxBodyBytes, retry: configuration.retry,
                                       tracedURL: tracedURL)
            let exchange = try await transport.send(spec)
            if exchange.status == 401 {
                if renewed {
                    throw CoClickError(.unauthorized, status: 401,
                                       message: "\(what): the token was refused again after renewing it")
                }
                token = try await tokens.renew(rejecting: token)
                renewed = true
                continue
            }
            let scrub = Redactor(secrets: redactor.secrets + [token.value]).scrub
            if let error = ResponseClassifier.error(status: exchange.status, body: exchange.body,
                                                    contentType: exchange.contentType, scrub: scrub) {
                throw error
            }
            return exchange
        }
    }

    /// The body of a 2xx exchange as JSON; an HTML page or broken JSON is a `decode` error.
    func json(_ exchange: HTTPExchange, what: String) throws -> JSONValue {
        do {
            return try JSONValue.parse(exchange.body)
        } catch {
            throw ResponseClassifier.notJSON(status: exchange.status, body: exchange.body,
                                             contentType: exchange.contentType, what: what, scrub: redactor.scrub)
        }
    }
}

/// `POST /authenticate`. Never retried once it may have reached the server.
struct Authenticator: Sendable {
    let configuration: CoClickConfiguration
    let transport: HTTPTransport

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
        let spec = HTTPRequestSpec(method: .POST, url: configuration.baseURL + "/authenticate",
                                   body: body.jsonData(), bodyLimit: 1 << 20, retry: retry)
        let exchange = try await transport.send(spec)
        // The body may hold a token: no excerpt of it ever goes into an error.
        if exchange.status == 401 || exchange.status == 403 {
            throw CoClickError(.unauthorized, status: exchange.status,
                               message: "authentication rejected: check the secret ID and secret key")
        }
        if var error = ResponseClassifier.error(status: exchange.status, body: exchange.body,
                                                contentType: exchange.contentType, scrub: { _ in "" }) {
            error.bodyExcerpt = nil
            error.message = "authenticate: " + error.message
            throw error
        }
        guard let json = try? JSONValue.parse(exchange.body) else {
            throw CoClickError(.decode, status: exchange.status,
                               message: ResponseClassifier.looksLikeHTML(exchange.body, contentType: exchange.contentType)
                                   ? "authenticate: got an HTML page instead of JSON" : "authenticate: response is not valid JSON")
        }
        return (try Token(authenticationResponse: json, baseURL: configuration.baseURL), exchange.headers.first(name: "date"))
    }
}
