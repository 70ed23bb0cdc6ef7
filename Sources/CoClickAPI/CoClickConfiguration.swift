import Foundation

/// Where and how the client talks to CoClick. Defaults follow SPEC.md.
public struct CoClickConfiguration: Sendable {
    public static let defaultBaseURL = "https://www.coclick.io/api/v1"
    /// Requests in flight at most for one listing or fan-out, unless the caller says otherwise.
    public static let defaultConcurrency = 8

    /// E.g. `https://www.coclick.io/api/v1`; a trailing slash is removed.
    public var baseURL: String {
        didSet { baseURL = Self.normalize(baseURL) }
    }
    public var credentials: Credentials?
    /// The profile the token cache is keyed by (with the base URL and the secret ID).
    public var profile: String = "default"
    public var connectTimeout: Duration = .seconds(10)
    /// Bound on one attempt: connection, request, and the whole response body.
    public var requestTimeout: Duration = .seconds(30)
    public var retry: RetryPolicy = RetryPolicy()
    public var maxBodyBytes: Int = 32 * 1024 * 1024
    /// Bound on the body text `postJSON` returns (the rest is dropped).
    public var maxWebhookResponseBytes: Int = 64 * 1024
    /// A token is renewed when it has less than this left.
    public var tokenRenewalMargin: Duration = .seconds(60)
    /// Cap on the requests one listing or fan-out keeps in flight (`--max-concurrency`),
    /// whatever a caller asks; nil: no cap beyond the caller's.
    public var maxConcurrency: Int?
    /// Sent as `User-Agent`.
    public var userAgent: String = "coclick"
    /// Roots trusted besides the system's (`SSL_CERT_FILE`, `SSL_CERT_DIR`): a company proxy.
    /// Certificates are always verified; this only widens whom they may be issued by.
    public var extraTrustRoots = ExtraTrustRoots()

    public init(baseURL: String = CoClickConfiguration.defaultBaseURL, credentials: Credentials? = nil) {
        self.baseURL = Self.normalize(baseURL)
        self.credentials = credentials
    }

    static func normalize(_ url: String) -> String {
        var u = url.trimmingCharacters(in: .whitespaces)
        while u.hasSuffix("/") { u.removeLast() }
        return u
    }
}
