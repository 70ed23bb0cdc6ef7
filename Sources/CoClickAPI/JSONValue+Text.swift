import Foundation

extension JSONValue {
    /// Parses untrusted JSON text (see `JSONParser`: strict, linear, depth bounded); a failure
    /// is a `decode` error whose message says what was wrong and where, never a crash.
    public static func parse(_ data: Data) throws -> JSONValue {
        do {
            return try JSONParser.parse(data)
        } catch {
            throw CoClickError(.decode, message: "response is not valid JSON: \(error)")
        }
    }

    public static func parse(_ text: String) throws -> JSONValue {
        try parse(Data(text.utf8))
    }

    /// Compact JSON text with sorted keys (stable output for request bodies and tests).
    public func jsonData(pretty: Bool = false) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a JSONValue cannot fail except for non-finite doubles, which become null.
        if let data = try? encoder.encode(self.replacingNonFiniteNumbers()) { return data }
        return Data("null".utf8)
    }

    public func jsonText(pretty: Bool = false) -> String {
        String(decoding: jsonData(pretty: pretty), as: UTF8.self)
    }

    private func replacingNonFiniteNumbers() -> JSONValue {
        switch self {
        case .number(let d) where !d.isFinite: return .null
        case .array(let a): return .array(a.map { $0.replacingNonFiniteNumbers() })
        case .object(let o): return .object(o.mapValues { $0.replacingNonFiniteNumbers() })
        default: return self
        }
    }

    /// A short name of the JSON type, for error messages.
    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .integer, .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}
