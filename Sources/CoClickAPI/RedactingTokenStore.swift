/// A token store that tells the run's redaction each token it hands out (read from the store
/// or freshly issued), so that a token never shows in a trace line or an error message, even
/// when the server echoes it.
struct RedactingTokenStore: TokenStore {
    let base: any TokenStore
    let redaction: Redaction

    func load(_ key: TokenKey) async throws -> Token? {
        let token = try await base.load(key)
        if let token { redaction.add(token.value) }
        return token
    }

    func renew(
        _ key: TokenKey, margin: Duration, rejected: String?,
        authenticate: @escaping @Sendable () async throws -> Token
    ) async throws -> Token {
        let token = try await base.renew(key, margin: margin, rejected: rejected, authenticate: authenticate)
        redaction.add(token.value)
        return token
    }

    func remove(_ key: TokenKey) async throws {
        try await base.remove(key)
    }
}
