import Foundation

/// Removes secrets from text that may reach a user: error excerpts, traces.
struct Redactor: Sendable {
    /// Exact values to remove (the secret key, the current bearer token).
    var secrets: [String] = []

    func scrub(_ text: String) -> String {
        var out = text
        for secret in secrets where secret.count >= 4 {
            out = out.replacingOccurrences(of: secret, with: "[redacted]")
        }
        return Redactor.scrubJWTs(out)
    }

    /// Anything shaped like a JWT (`eyJ...`), whoever issued it.
    static func scrubJWTs(_ text: String) -> String {
        guard text.contains("eyJ") else { return text }
        var result = ""
        var rest = Substring(text)
        while let range = rest.range(of: "eyJ") {
            result += rest[..<range.lowerBound]
            var end = range.upperBound
            while end < rest.endIndex, isTokenCharacter(rest[end]) { end = rest.index(after: end) }
            result += "[redacted]"
            rest = rest[end...]
        }
        return result + rest
    }

    private static func isTokenCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_" || c == "." || c == "=")
    }
}
