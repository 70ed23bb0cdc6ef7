import CoClickAPI
/// Replaces known secret values (the secret key, a bearer token) with `[REDACTED]` in any
/// text bound for a trace, a log line or an error message.
///
/// Besides the raw value it also hides the value as it appears JSON-escaped and
/// percent-encoded, the two forms in which a key or token travels in request bodies and URLs.
public struct Redactor: Sendable, Hashable {
    public static let placeholder = "[REDACTED]"

    /// Every form to hide, longest first, so that a secret containing another is hidden whole.
    private var patterns: [String]

    public init(secrets: [String] = []) {
        patterns = []
        for secret in secrets { add(secret) }
    }

    /// A redactor that also hides `secret`.
    public func adding(_ secret: String) -> Redactor {
        var copy = self
        copy.add(secret)
        return copy
    }

    /// Adds `secret` (ignored when empty).
    public mutating func add(_ secret: String) {
        guard !secret.isEmpty else { return }
        for form in [secret, Self.jsonEscaped(secret, slash: true), Self.jsonEscaped(secret, slash: false), PercentEncoding.encode(secret)] where !patterns.contains(form) {
            patterns.append(form)
        }
        patterns.sort { $0.utf8.count > $1.utf8.count }
    }

    public var isEmpty: Bool { patterns.isEmpty }

    /// `text` with every occurrence of a known secret replaced by `[REDACTED]`.
    public func redact(_ text: String) -> String {
        var result = text
        for pattern in patterns where result.contains(pattern) {
            result = result.replacing(pattern, with: Self.placeholder)
        }
        return result
    }

    private static func jsonEscaped(_ text: String, slash: Bool) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "/" where slash: escaped += "\\/"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
