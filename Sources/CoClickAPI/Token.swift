import Foundation

/// A bearer token from `POST /authenticate`, bound to the base URL that issued it.
/// Its value never appears in `description`, `debugDescription` or a reflection dump.
public struct Token: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let value: String
    public let expiresAt: Date
    /// `expires_at` exactly as the API sent it.
    public let expiresAtText: String
    public let company: String
    /// The base URL that issued the token; it is never sent anywhere else.
    public let baseURL: String

    public init(value: String, expiresAt: Date, expiresAtText: String? = nil, company: String, baseURL: String) {
        self.value = value
        self.expiresAt = expiresAt
        self.expiresAtText = expiresAtText ?? APIDate.format(expiresAt)
        self.company = company
        self.baseURL = baseURL
    }

    /// Valid for at least `margin` more from `now`.
    public func isValid(for margin: Duration = .zero, now: Date = Date()) -> Bool {
        expiresAt.timeIntervalSince(now) > margin.seconds
    }

    public var description: String { "Token(\(Redactor.placeholder), company: \(company), expires_at: \(expiresAtText))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["company": company, "expiresAt": expiresAtText, "baseURL": baseURL], displayStyle: .struct)
    }

    /// Reads an `/authenticate` response.
    init(authenticationResponse json: JSONValue, baseURL: String) throws {
        let reader = try FieldReader(json, context: "authentication response")
        guard let value = try reader.string("token"), !value.isEmpty else {
            throw CoClickError(.decode, message: "authentication response: missing field token")
        }
        guard let expires = try reader.date("expires_at") else {
            throw CoClickError(.decode, message: "authentication response: missing field expires_at")
        }
        // `company` is documented as a string; a number is tolerated.
        let company = try (try? reader.string("company")) ?? reader.number("company").map { String(Int64($0)) } ?? ""
        self.init(value: value, expiresAt: expires.date, expiresAtText: expires.text, company: company, baseURL: baseURL)
    }
}

extension Duration {
    /// Seconds as a Double (attoseconds included).
    var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}
