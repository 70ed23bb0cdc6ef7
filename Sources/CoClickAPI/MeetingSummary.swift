/// One element of `GET /meetings`. `fields` keeps the object exactly as sent (unknown fields
/// included) for the Lua side; the typed properties are a checked view of it.
public struct MeetingSummary: Sendable, Hashable {
    public var id: String
    public var user: String?
    public var status: MeetingStatus?
    public var startsAt: APIDate?
    public var fields: [String: JSONValue]

    public init(json: JSONValue) throws {
        let reader = try FieldReader(json, context: Self.context)
        guard let id = try reader.string("id") ?? reader.string("token"), !id.isEmpty else { throw Self.missingID }
        self.id = id
        self.user = try reader.string("user")
        self.status = try reader.status("status")
        self.startsAt = try reader.date("starts_at")
        self.fields = reader.fields
    }
}

extension MeetingSummary {
    static let context = "meeting summary"
    static let missingID = CoClickError(.decode, message: "meeting summary: missing field id")

    /// The summary at node `object` of a parsed page.
    init(_ document: JSONDocument, object: Int) throws {
        try self.init(json: document.value(at: object))
    }

    /// Checks, on a parsed page, what `init(json:)` checks, building nothing (the Lua side pushes
    /// the meeting straight from the body). Returns the node of the id (`id`, else `token`).
    static func check(_ page: JSONDocument.Reader, object: Int) throws -> Int {
        let kind = page.nodes[object].kind
        guard kind == .object else {
            throw CoClickError(.decode, message: "\(context): expected a JSON object, got \(JSONDocument.typeName(kind))")
        }
        let fields = Fields(page, object: object)
        // Every field as wanted: one pass over their kinds. Else the checks one by one, for the
        // error (the nested function's calls took 120 instructions a meeting).
        func kindOf(_ node: Int?) -> JSONDocument.Kind {
            guard let node else { return .null }
            return page.nodes[node].kind
        }
        func stringOrNull(_ node: Int?) -> Bool {
            switch kindOf(node) {
            case .string, .null: true
            default: false
            }
        }
        let found: Int? =
            switch (kindOf(fields.id), kindOf(fields.token)) {
            case (.string, _): fields.id
            case (.null, .string): fields.token
            default: nil
            }
        guard let found, page.nodes[found].length > 0, stringOrNull(fields.user), stringOrNull(fields.status), stringOrNull(fields.startsAt)
        else { return try reportFirstFailure(page, fields) }
        if let date = fields.startsAt, case .string = kindOf(date) { try checkDate(page.bytes(date)) }
        return found
    }

    /// Throws what `init(json:)` throws first for fields that `check` found wrong.
    private static func reportFirstFailure(_ page: JSONDocument.Reader, _ fields: Fields) throws -> Int {
        func string(_ node: Int?, _ key: String) throws -> Int? {
            guard let node, page.nodes[node].kind != .null else { return nil }
            let kind = page.nodes[node].kind
            guard kind == .string else {
                throw FieldReader.wrongType(context: context, key: key, expected: "a string", got: JSONDocument.typeName(kind))
            }
            return node
        }
        guard let found = try string(fields.id, "id") ?? string(fields.token, "token"), page.nodes[found].length > 0 else {
            throw missingID
        }
        _ = try string(fields.user, "user")
        _ = try string(fields.status, "status")
        if let date = try string(fields.startsAt, "starts_at") { try checkDate(page.bytes(date)) }
        return found
    }

    private static func checkDate(_ bytes: UnsafeRawBufferPointer) throws {
        guard let parts = ISO8601Components(utf8: bytes), parts.hasTime, parts.offset != nil else {
            throw FieldReader.notADate(context: context, key: "starts_at", text: String(decoding: bytes, as: UTF8.self))
        }
    }

    /// The node `check` returned for `object`, which it passed: its id (`id` unless null, else `token`).
    static func idNode(_ page: JSONDocument.Reader, object: Int) -> Int? {
        let fields = Fields(page, object: object)
        if let id = fields.id, page.nodes[id].kind != .null { return id }
        if let token = fields.token, page.nodes[token].kind != .null { return token }
        return nil
    }

    /// The value nodes of the fields a summary reads, in one pass over an object's fields; a
    /// repeated key's last value counts, as in `init(json:)`.
    private struct Fields {
        var id: Int?, token: Int?, user: Int?, status: Int?, startsAt: Int?

        init(_ page: JSONDocument.Reader, object: Int) {
            var i = object + 1
            while i < Int(page.nodes[object].payload) {
                let value = i + 1
                switch page.nodes[i].length {
                case 2 where page.equals(i, "id"): id = value
                case 4 where page.equals(i, "user"): user = value
                case 5 where page.equals(i, "token"): token = value
                case 6 where page.equals(i, "status"): status = value
                case 9 where page.equals(i, "starts_at"): startsAt = value
                default: break
                }
                i = page.end(value)
            }
        }
    }
}
