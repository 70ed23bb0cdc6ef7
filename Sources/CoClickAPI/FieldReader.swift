/// Reads typed fields out of a raw JSON object, naming the field in every `decode` error.
/// A null (or an absent field) is always accepted as "no value".
struct FieldReader {
    let fields: [String: JSONValue]
    let context: String

    init(_ value: JSONValue, context: String) throws {
        guard case .object(let fields) = value else {
            throw CoClickError(.decode, message: "\(context): expected a JSON object, got \(value.typeName)")
        }
        self.fields = fields
        self.context = context
    }

    private func present(_ key: String) -> JSONValue? {
        guard let value = fields[key], !value.isNull else { return nil }
        return value
    }

    private func wrongType(_ key: String, expected: String, got value: JSONValue) -> CoClickError {
        Self.wrongType(context: context, key: key, expected: expected, got: value.typeName)
    }

    static func wrongType(context: String, key: String, expected: String, got typeName: String) -> CoClickError {
        CoClickError(.decode, message: "\(context): field \(key) should be \(expected), got \(typeName)")
    }

    static func notADate(context: String, key: String, text: String) -> CoClickError {
        CoClickError(.decode, message: "\(context): field \(key) is not an ISO 8601 date: \(text.prefix(40))")
    }

    func string(_ key: String) throws -> String? {
        guard let value = present(key) else { return nil }
        guard case .string(let s) = value else { throw wrongType(key, expected: "a string", got: value) }
        return s
    }

    func number(_ key: String) throws -> Double? {
        guard let value = present(key) else { return nil }
        switch value {
        case .integer(let i): return Double(i)
        case .number(let d): return d
        default: throw wrongType(key, expected: "a number", got: value)
        }
    }

    func date(_ key: String) throws -> APIDate? {
        guard let text = try string(key) else { return nil }
        guard let date = APIDate(text) else { throw Self.notADate(context: context, key: key, text: text) }
        return date
    }

    func status(_ key: String) throws -> MeetingStatus? {
        try string(key).map(MeetingStatus.init(rawValue:))
    }

    /// Any JSON value but null.
    func value(_ key: String) -> JSONValue? {
        present(key)
    }
}
