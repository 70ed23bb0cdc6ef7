import Foundation

/// One HTTP attempt, for `--verbose`. Holds no header, no body and no secret; the URL's query
/// values whose names look secret are redacted.
public struct HTTPTraceEvent: Sendable, CustomStringConvertible {
    public var method: String
    public var url: String
    /// Nil when no response arrived (see `error`).
    public var status: Int?
    public var duration: Duration
    /// Bytes of the response body.
    public var bytes: Int
    /// 1 for the first attempt.
    public var attempt: Int
    /// The error kind and message, when the attempt failed without a response.
    public var error: String?

    public init(method: String, url: String, status: Int?, duration: Duration, bytes: Int, attempt: Int, error: String? = nil) {
        self.method = method
        self.url = HTTPTraceEvent.redactURL(url)
        self.status = status
        self.duration = duration
        self.bytes = bytes
        self.attempt = attempt
        self.error = error.map(Redactor.scrubJWTs)
    }

    /// `GET http://127.0.0.1:8080/api/v1/meetings -> 200 (3.1 ms, 512 B)`.
    public var description: String {
        let outcome = status.map(String.init) ?? (error ?? "no response")
        let ms = String(format: "%.1f", duration.seconds * 1000)
        let retry = attempt > 1 ? ", attempt \(attempt)" : ""
        return "\(method) \(url) -> \(outcome) (\(ms) ms, \(bytes) B\(retry))"
    }

    static let secretLookingNames = ["token", "secret", "key", "password", "auth", "signature", "sig"]

    /// Replaces the values of query items whose name looks secret, and any user:password@.
    static func redactURL(_ url: String) -> String {
        var result = url
        if let schemeEnd = result.range(of: "://"),
            let at = result[schemeEnd.upperBound...].firstIndex(of: "@"),
            !result[schemeEnd.upperBound..<at].contains("/")
        {
            result.replaceSubrange(schemeEnd.upperBound..<at, with: Redactor.placeholder)
        }
        guard let q = result.firstIndex(of: "?") else { return Redactor.scrubJWTs(result) }
        let base = result[..<q]
        let items = result[result.index(after: q)...].split(separator: "&", omittingEmptySubsequences: false).map { item -> String in
            guard let eq = item.firstIndex(of: "=") else { return String(item) }
            let name = item[..<eq].lowercased()
            if secretLookingNames.contains(where: { name.contains($0) }) {
                return "\(item[..<eq])=\(Redactor.placeholder)"
            }
            return String(item)
        }
        return Redactor.scrubJWTs(base + "?" + items.joined(separator: "&"))
    }
}
