/// A meeting in full (`GET /meetings/{id}`, `POST /meetings`). The API names its identifier
/// `token` here; `id` holds it either way. `fields` keeps the object exactly as sent.
public struct Meeting: Sendable, Hashable {
    public var id: String
    public var user: String?
    public var status: MeetingStatus?
    public var startsAt: APIDate?
    public var duration: Double?
    public var cobrowsingURL: String?
    /// An array of cookie objects (`name`, `value`, ...), passed through untouched.
    public var cobrowsingCookiesData: JSONValue?
    public var customData: JSONValue?
    public var presenterWaitingRoomIframeURL: String?
    public var prospectWaitingRoomIframeURL: String?
    public var prospectRoomURL: String?
    public var presenterRoomURL: String?
    public var fields: [String: JSONValue]

    public init(json: JSONValue) throws {
        let reader = try FieldReader(json, context: "meeting")
        guard let id = try reader.string("token") ?? reader.string("id"), !id.isEmpty else {
            throw CoClickError(.decode, message: "meeting: missing field token")
        }
        self.id = id
        self.user = try reader.string("user")
        self.status = try reader.status("status")
        self.startsAt = try reader.date("starts_at")
        self.duration = try reader.number("duration")
        self.cobrowsingURL = try reader.string("cobrowsing_url")
        self.cobrowsingCookiesData = reader.value("cobrowsing_cookies_data")
        if let cookies = cobrowsingCookiesData, cookies.arrayValue == nil {
            throw CoClickError(.decode, message: "meeting: field cobrowsing_cookies_data should be an array, got \(cookies.typeName)")
        }
        self.customData = reader.value("custom_data")
        self.presenterWaitingRoomIframeURL = try reader.string("presenter_waiting_room_iframe_url")
        self.prospectWaitingRoomIframeURL = try reader.string("prospect_waiting_room_iframe_url")
        self.prospectRoomURL = try reader.string("prospect_room_url")
        self.presenterRoomURL = try reader.string("presenter_room_url")
        self.fields = reader.fields
    }
}
