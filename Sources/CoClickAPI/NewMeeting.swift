/// The body of `POST /meetings`. Required fields are plain strings so that the server, not the
/// client, has the final word on their validity (its errors come back as `validation`).
public struct NewMeeting: Sendable, Hashable {
    public var user: String?
    /// ISO 8601, e.g. `2021-10-30T14:29:33.000+02:00` (see `APIDate.format`).
    public var startsAt: String?
    public var cobrowsingURL: String?
    public var cobrowsingCookiesData: JSONValue?
    public var customData: JSONValue?
    public var presenterWaitingRoomIframeURL: String?
    public var prospectWaitingRoomIframeURL: String?

    public init(
        user: String?, startsAt: String?, cobrowsingURL: String?,
        cobrowsingCookiesData: JSONValue? = nil, customData: JSONValue? = nil,
        presenterWaitingRoomIframeURL: String? = nil, prospectWaitingRoomIframeURL: String? = nil
    ) {
        self.user = user
        self.startsAt = startsAt
        self.cobrowsingURL = cobrowsingURL
        self.cobrowsingCookiesData = cobrowsingCookiesData
        self.customData = customData
        self.presenterWaitingRoomIframeURL = presenterWaitingRoomIframeURL
        self.prospectWaitingRoomIframeURL = prospectWaitingRoomIframeURL
    }

    /// The JSON body; absent optionals are left out rather than sent as null.
    public var json: JSONValue {
        var body: [String: JSONValue] = [:]
        func put(_ key: String, _ value: String?) { if let value { body[key] = .string(value) } }
        put("user", user)
        put("starts_at", startsAt)
        put("cobrowsing_url", cobrowsingURL)
        if let cobrowsingCookiesData { body["cobrowsing_cookies_data"] = cobrowsingCookiesData }
        if let customData { body["custom_data"] = customData }
        put("presenter_waiting_room_iframe_url", presenterWaitingRoomIframeURL)
        put("prospect_waiting_room_iframe_url", prospectWaitingRoomIframeURL)
        return .object(body)
    }
}
