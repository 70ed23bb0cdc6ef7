import Foundation

/// Issues JWT-shaped bearer tokens and remembers them until they expire.
///
/// Tokens look like the service's HS256 JWTs (`header.payload.signature`, base64url, payload with
/// `company` and `exp`); the signature is pseudo-random bytes: only the sandbox checks tokens,
/// by looking them up.
final class TokenIssuer: Sendable {
    struct Issued: Sendable {
        let token: String
        /// Epoch milliseconds.
        let expiresAt: Int64
    }

    /// Bound on remembered tokens, so a client looping on /authenticate cannot grow memory forever.
    private static let capacity = 10_000
    private let companyID: Int
    private let state: Locked<(random: SplitMix64, serial: Int, tokens: [String: Int64])>

    init(companyID: Int, seed: UInt64) {
        self.companyID = companyID
        state = Locked((SplitMix64(seed: seed ^ 0x746F_6B65_6E73), 0, [:]))
    }

    func issue(now: Int64, ttl: Duration) -> Issued {
        let expiresAt = now + max(1, ttl.milliseconds)
        return state.withLock { state in
            state.serial += 1
            let header = #"{"alg":"HS256","typ":"JWT"}"#
            let payload = #"{"company":\#(companyID),"exp":\#(expiresAt / 1000),"jti":\#(state.serial)}"#
            let signature = (0..<4).flatMap { _ in withUnsafeBytes(of: state.random.next()) { Array($0) } }
            let token = [Array(header.utf8), Array(payload.utf8), signature].map(Self.base64URL).joined(separator: ".")
            if state.tokens.count >= Self.capacity {
                state.tokens = state.tokens.filter { $0.value > now }
                if state.tokens.count >= Self.capacity { state.tokens.removeAll() }
            }
            state.tokens[token] = expiresAt
            return Issued(token: token, expiresAt: expiresAt)
        }
    }

    /// Whether `token` was issued here and has not expired at `now`.
    func isValid(_ token: String, now: Int64) -> Bool {
        state.withLock { state in
            guard let expiresAt = state.tokens[token] else { return false }
            if expiresAt > now { return true }
            state.tokens[token] = nil
            return false
        }
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
