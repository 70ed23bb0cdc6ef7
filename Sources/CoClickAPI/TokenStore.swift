/// What a token is cached for: a token is only ever used with the base URL that issued it.
public struct TokenKey: Sendable, Hashable, CustomStringConvertible {
    public var profile: String
    public var baseURL: String
    public var secretID: String

    public init(profile: String, baseURL: String, secretID: String) {
        self.profile = profile
        self.baseURL = CoClickConfiguration.normalize(baseURL)
        self.secretID = secretID
    }

    public var description: String { "\(profile) @ \(baseURL) (\(secretID))" }
}

/// Where tokens are kept between requests (and, for a file store, between processes).
public protocol TokenStore: Sendable {
    /// The cached token for `key`, valid or not; nil when there is none.
    func load(_ key: TokenKey) async throws -> Token?

    /// Returns a token valid for at least `margin`: the cached one if it is still valid and
    /// is not `rejected` (the value a server just refused), otherwise the result of
    /// `authenticate`, which is then cached. A store shared between processes runs this
    /// under a lock so that processes started together authenticate once.
    func renew(
        _ key: TokenKey, margin: Duration, rejected: String?,
        authenticate: @escaping @Sendable () async throws -> Token
    ) async throws -> Token

    /// Forgets the cached token (`coclick auth logout`).
    func remove(_ key: TokenKey) async throws
}

extension Token {
    /// Usable for `key`: issued by its base URL and valid for `margin`, and not the rejected value.
    func isUsable(for key: TokenKey, margin: Duration, rejected: String?) -> Bool {
        baseURL == key.baseURL && isValid(for: margin) && value != rejected
    }
}

/// Tokens kept in memory, for one process.
public actor MemoryTokenStore: TokenStore {
    private var tokens: [TokenKey: Token] = [:]

    public init() {}

    public func load(_ key: TokenKey) -> Token? { tokens[key] }

    public func renew(
        _ key: TokenKey, margin: Duration, rejected: String?,
        authenticate: @escaping @Sendable () async throws -> Token
    ) async throws -> Token {
        if let cached = tokens[key], cached.isUsable(for: key, margin: margin, rejected: rejected) { return cached }
        let token = try await authenticate()
        tokens[key] = token
        return token
    }

    public func remove(_ key: TokenKey) { tokens[key] = nil }
}
