/// A meeting in full, as `GET /meetings/{id}` shows it (`MeetingStore` keeps `StoredMeeting`s).
struct SandboxMeeting: Sendable {
    var id: String
    var user: String
    var status: String
    /// Epoch milliseconds.
    var startsAt: Int64
    /// Seconds; nil until the meeting has taken place.
    var duration: Int64?
    var cobrowsingURL: String
    var cobrowsingCookiesData: SandboxJSON
    var customData: SandboxJSON
    var presenterWaitingRoomIframeURL: String?
    var prospectWaitingRoomIframeURL: String?

    /// The full form, in the documentation's field order; room URLs point at the sandbox itself.
    func fullJSON(origin: String) -> SandboxJSON {
        .object([
            ("token", .string(id)),
            ("status", .string(status)),
            ("starts_at", .string(ISODate.format(milliseconds: startsAt))),
            ("duration", duration.map { .integer($0) } ?? .null),
            ("cobrowsing_url", .string(cobrowsingURL)),
            ("cobrowsing_cookies_data", cobrowsingCookiesData),
            ("user", .string(user)),
            ("custom_data", customData),
            ("presenter_waiting_room_iframe_url", presenterWaitingRoomIframeURL.map { .string($0) } ?? .null),
            ("prospect_waiting_room_iframe_url", prospectWaitingRoomIframeURL.map { .string($0) } ?? .null),
            ("prospect_room_url", .string("\(origin)/rooms/\(id)/prospect")),
            ("presenter_room_url", .string("\(origin)/rooms/\(id)/presenter")),
        ])
    }

    /// The body of a failed creation: the full shape with nulls, plus `errors`.
    static func validationFailureJSON(errors: [(String, [String])]) -> SandboxJSON {
        .object([
            ("token", .null),
            ("status", .string("scheduled")),
            ("starts_at", .null),
            ("duration", .null),
            ("cobrowsing_url", .null),
            ("cobrowsing_cookies_data", .array([])),
            ("user", .null),
            ("custom_data", .null),
            ("presenter_waiting_room_iframe_url", .null),
            ("prospect_waiting_room_iframe_url", .null),
            ("prospect_room_url", .null),
            ("presenter_room_url", .null),
            ("errors", .object(errors.map { ($0.0, .array($0.1.map { .string($0) })) })),
        ])
    }
}
