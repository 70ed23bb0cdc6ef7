/// One element of `GET /meetings`. `fields` keeps the object exactly as sent (unknown fields
/// included) for the Lua side; the typed properties are a checked view of it.
public struct MeetingSummary: Sendable, Hashable {
    public var id: String
    public var user: String?
    public var status: MeetingStatus?
    public var startsAt: APIDate?
    public var fields: [String: JSONValue]

    public init(json: JSONValue) throws {
        let reader = try FieldReader(json, context: "meeting summary")
        guard let id = try reader.string("id") ?? reader.string("token"), !id.isEmpty else {
            throw CoClickError(.decode, message: "meeting summary: missing field id")
        }
        self.id = id
        self.user = try reader.string("user")
        self.status = try reader.status("status")
        self.startsAt = try reader.date("starts_at")
        self.fields = reader.fields
    }
}
