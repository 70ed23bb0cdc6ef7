import Foundation

extension CoClickClient {
    /// Authenticates with the key pair now, bypassing (and not touching) the token cache, for
    /// `coclick doctor`: the token, and the server's clock as its `Date` header gives it (nil
    /// when absent or unreadable).
    public func checkAuthentication() async throws -> (token: Token, serverDate: Date?) {
        let authenticator = Authenticator(configuration: configuration, transport: transport, redaction: redaction)
        let (token, date) = try await authenticator.authenticateReadingDate()
        return (token, date.flatMap(Self.httpDate))
    }

    /// An HTTP `Date` (RFC 9110's IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`).
    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text.trimmingCharacters(in: .whitespaces))
    }
}
