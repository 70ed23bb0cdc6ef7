import Foundation

/// Replaces known secret values (the secret key, bearer tokens) with `[REDACTED]` in text
/// that may reach a user: error messages, traces, log lines, printed results, reports.
///
/// A value is hidden as it is, JSON-escaped and percent-encoded (the forms in which a key or
/// token travels in bodies and URLs), and only whole: an occurrence that is part of a longer
/// word is left alone, so a short key `k` never turns `coclick` into `coclic[REDACTED]`.
/// Anything shaped like a JWT (`eyJ...`) is hidden too, whoever issued it.
public struct Redactor: Sendable, Hashable {
    public static let placeholder = "[REDACTED]"

    /// Every form to hide, as UTF-8, longest first, so that a secret containing another is
    /// hidden whole.
    private var patterns: [[UInt8]] = []

    public init(secrets: [String] = []) {
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
        let forms = [
            secret, Self.jsonEscaped(secret, slash: true), Self.jsonEscaped(secret, slash: false),
            PercentEncoding.encode(secret),
        ]
        for form in forms.map({ Array($0.utf8) }) where !patterns.contains(form) {
            patterns.append(form)
        }
        patterns.sort { $0.count > $1.count }
    }

    public var isEmpty: Bool { patterns.isEmpty }

    /// `text` with every whole occurrence of a known secret, and every JWT, replaced by
    /// `[REDACTED]`.
    public func redact(_ text: String) -> String {
        var bytes = Array(text.utf8)
        var changed = false
        for pattern in patterns {
            if let replaced = Self.replacingWhole(pattern, in: bytes) {
                bytes = replaced
                changed = true
            }
        }
        let result = changed ? String(decoding: bytes, as: UTF8.self) : text
        return Self.scrubJWTs(result)
    }

    /// `bytes` with each occurrence of `pattern` that stands on word boundaries replaced; nil
    /// when there is none.
    private static func replacingWhole(_ pattern: [UInt8], in bytes: [UInt8]) -> [UInt8]? {
        guard let first = pattern.first, bytes.count >= pattern.count else { return nil }
        let placeholderBytes = Array(placeholder.utf8)
        var result: [UInt8] = []
        var copied = 0
        var index = 0
        let last = bytes.count - pattern.count
        while index <= last {
            if bytes[index] == first, bytes[index..<index + pattern.count].elementsEqual(pattern),
                startsWord(bytes, at: index, pattern: pattern), endsWord(bytes, at: index + pattern.count, pattern: pattern)
            {
                result.append(contentsOf: bytes[copied..<index])
                result.append(contentsOf: placeholderBytes)
                index += pattern.count
                copied = index
            } else {
                index += 1
            }
        }
        guard copied > 0 else { return nil }
        result.append(contentsOf: bytes[copied...])
        return result
    }

    /// Letters, digits and `_` (and any non-ASCII byte) continue a word.
    private static func isWordByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || byte == UInt8(ascii: "_")
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    /// A boundary before `index`: a pattern starting with punctuation brings its own; else the
    /// byte before is no word byte, or ends a percent escape (`%3D`, in a query string).
    private static func startsWord(_ bytes: [UInt8], at index: Int, pattern: [UInt8]) -> Bool {
        guard index > 0, isWordByte(pattern[0]), isWordByte(bytes[index - 1]) else { return true }
        return index >= 3 && bytes[index - 3] == UInt8(ascii: "%")
    }

    private static func endsWord(_ bytes: [UInt8], at end: Int, pattern: [UInt8]) -> Bool {
        guard end < bytes.count, let last = pattern.last, isWordByte(last) else { return true }
        return !isWordByte(bytes[end]) || bytes[end] == UInt8(ascii: "%")
    }

    /// Anything shaped like a JWT (`eyJ...`), whoever issued it.
    static func scrubJWTs(_ text: String) -> String {
        guard mayHoldJWT(text) else { return text }
        var result = ""
        var rest = Substring(text)
        while let range = rest.range(of: "eyJ") {
            result += rest[..<range.lowerBound]
            var end = range.upperBound
            while end < rest.endIndex, isTokenCharacter(rest[end]) { end = rest.index(after: end) }
            result += placeholder
            rest = rest[end...]
        }
        return result + rest
    }

    /// Whether `text` holds the bytes `eyJ`: read as UTF-8 bytes (Foundation's `contains`
    /// bridged every line of output to an NSString, 1 % of a start).
    private static func mayHoldJWT(_ text: String) -> Bool {
        var previous: (UInt8, UInt8) = (0, 0)
        for byte in text.utf8 {
            if byte == UInt8(ascii: "J"), previous == (UInt8(ascii: "e"), UInt8(ascii: "y")) { return true }
            previous = (previous.1, byte)
        }
        return false
    }

    private static func isTokenCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_" || c == "." || c == "=")
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

/// The secrets of one run, known from the moment each is: the key as soon as configuration
/// resolves it (before any API call), each token as soon as it is issued or read from the
/// cache. Shared by the client (errors are scrubbed where they are made), the trace hook (on
/// pool threads) and every output path of the shell (on the Lua thread).
public final class Redaction: @unchecked Sendable {
    private let lock = NSLock()
    private var redactor = Redactor()

    public init(secrets: [String] = []) {
        for secret in secrets { add(secret) }
    }

    public func add(_ secret: String) {
        lock.withLock { redactor.add(secret) }
    }

    /// The secrets known now, as a value (for a batch of text).
    public var current: Redactor { lock.withLock { redactor } }

    public func redact(_ text: String) -> String {
        current.redact(text)
    }
}

extension CoClickError {
    /// The error with every text a user may see scrubbed: message, validation errors (field
    /// names and messages), body excerpt.
    public func redacted(by redactor: Redactor) -> CoClickError {
        var copy = self
        copy.message = redactor.redact(message)
        var errors: [String: [String]] = [:]
        for (field, messages) in validationErrors {
            errors[redactor.redact(field), default: []] += messages.map(redactor.redact)
        }
        copy.validationErrors = errors
        copy.bodyExcerpt = bodyExcerpt.map(redactor.redact)
        return copy
    }
}
