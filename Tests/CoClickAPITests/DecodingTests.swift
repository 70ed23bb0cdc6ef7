import Foundation
import Testing

@testable import CoClickAPI

@Suite("Decoding")
struct DecodingTests {
    static let listExample = """
        [ { "id": "bcc18d36d0ba07c00639c48421411f33a7b35c0aa41958dd6964a33892a735b1",
            "user": "presenter@example.com", "status": "scheduled",
            "starts_at": "2021-10-27T17:10:36.000+02:00" },
          { "id": "c3d9f69827eef8a25eedc920f1950a0ab9b3f6c9a0bfdca1111dff277a2d7694",
            "user": "presenter@example.com", "status": "scheduled",
            "starts_at": "2021-10-30T14:29:33.000+02:00" } ]
        """

    static let getExample = """
        { "token": "c3d9f69827eef8a25eedc920f1950a0ab9b3f6c9a0bfdca1111dff277a2d7694",
          "status": "scheduled", "starts_at": "2021-10-30T14:29:33.000+02:00",
          "duration": null, "cobrowsing_url": "https://shop.example.com/",
          "cobrowsing_cookies_data": [], "user": "presenter@example.com",
          "custom_data": { "user_id": 17, "username": "Phil" },
          "presenter_waiting_room_iframe_url": null, "prospect_waiting_room_iframe_url": null,
          "prospect_room_url": "https://p.example/", "presenter_room_url": "https://r.example/" }
        """

    @Test func listExampleDecodes() throws {
        guard case .array(let items) = try JSONValue.parse(Self.listExample) else {
            Issue.record("not an array")
            return
        }
        let summaries = try items.map(MeetingSummary.init(json:))
        #expect(summaries.count == 2)
        #expect(summaries[0].id == "bcc18d36d0ba07c00639c48421411f33a7b35c0aa41958dd6964a33892a735b1")
        #expect(summaries[1].user == "presenter@example.com")
        #expect(summaries[1].status == .scheduled)
        #expect(summaries[1].startsAt?.text == "2021-10-30T14:29:33.000+02:00")
        #expect(summaries[1].startsAt?.date == Date(timeIntervalSince1970: 1_635_596_973))
    }

    @Test func getExampleDecodes() throws {
        let meeting = try Meeting(json: JSONValue.parse(Self.getExample))
        #expect(meeting.id == "c3d9f69827eef8a25eedc920f1950a0ab9b3f6c9a0bfdca1111dff277a2d7694")
        #expect(meeting.duration == nil)
        #expect(meeting.cobrowsingURL == "https://shop.example.com/")
        #expect(meeting.cobrowsingCookiesData == .array([]))
        #expect(meeting.customData == .object(["user_id": .integer(17), "username": .string("Phil")]))
        #expect(meeting.presenterWaitingRoomIframeURL == nil)
        #expect(meeting.prospectRoomURL == "https://p.example/")
        #expect(meeting.fields["duration"] == .null)  // the raw object keeps the explicit null
        #expect(meeting.fields["token"]?.stringValue == meeting.id)
    }

    @Test func unknownStatusAndExtraFieldsPassThrough() throws {
        let json = try JSONValue.parse(#"{"id":"abc","status":"archived_by_robot","colour":"blue","n":[1,2]}"#)
        let summary = try MeetingSummary(json: json)
        #expect(summary.status == .unknown("archived_by_robot"))
        #expect(summary.status?.rawValue == "archived_by_robot")
        #expect(summary.fields["colour"] == .string("blue"))
        #expect(summary.fields["n"] == .array([.integer(1), .integer(2)]))
    }

    @Test func statusRoundTrips() {
        for raw in ["scheduled", "in_progress", "closed", "cancelled", "weird"] {
            #expect(MeetingStatus(rawValue: raw).rawValue == raw)
        }
        #expect(MeetingStatus(rawValue: "in_progress") == .inProgress)
    }

    @Test func nullsInEveryFieldAreTolerated() throws {
        let meeting = try Meeting(
            json: JSONValue.parse(
                """
                { "token": "t1", "status": null, "starts_at": null, "duration": null, "cobrowsing_url": null,
                  "cobrowsing_cookies_data": null, "user": null, "custom_data": null,
                  "presenter_waiting_room_iframe_url": null, "prospect_waiting_room_iframe_url": null,
                  "prospect_room_url": null, "presenter_room_url": null }
                """))
        #expect(meeting.id == "t1")
        #expect(meeting.status == nil && meeting.startsAt == nil && meeting.user == nil)
        #expect(meeting.cobrowsingCookiesData == nil && meeting.customData == nil)
        let summary = try MeetingSummary(json: JSONValue.parse(#"{"id":"x","user":null,"status":null,"starts_at":null}"#))
        #expect(summary.user == nil && summary.status == nil && summary.startsAt == nil)
    }

    @Test func missingOptionalFieldsAreTolerated() throws {
        let summary = try MeetingSummary(json: JSONValue.parse(#"{"id":"x"}"#))
        #expect(summary.id == "x" && summary.user == nil)
        let meeting = try Meeting(json: JSONValue.parse(#"{"token":"y"}"#))
        #expect(meeting.id == "y" && meeting.duration == nil)
    }

    /// A listing checks each meeting on the parsed page (`MeetingSummary.check`, nothing built):
    /// it must accept and refuse exactly what `init(json:)` does, with the same message.
    @Test func thePageCheckAgreesWithTheTypedSummary() throws {
        let cases = [
            #"{"id":"x","user":"u","status":"closed","starts_at":"2021-10-27T17:10:36.000+02:00","extra":[1]}"#,
            #"{"token":"t","id":null,"user":null,"status":null,"starts_at":null}"#, #"{"id":"x","id":null,"token":"t"}"#,
            #"{"id":"x","user":3}"#, #"{"id":"x","status":true}"#, #"{"id":"x","starts_at":"2021-10-27"}"#,
            #"{"id":"x","starts_at":"2021-10-27T17:10:36"}"#, #"{"id":"x","starts_at":"2021-02-30T17:10:36Z"}"#,
            #"{"id":"x","starts_at":1635347436}"#, #"{"id":""}"#, #"{"id":null}"#, #"{"user":"u"}"#, #"{"id":7}"#,
            #"{"token":["t"]}"#, #"[1]"#, #""x""#, #"{"id":"x","token":5}"#,
        ]
        for text in cases {
            let document = try JSONDocument.parse(Data(text.utf8))
            var typed: String?
            do { _ = try MeetingSummary(json: document.value(at: JSONDocument.root)) } catch let error as CoClickError { typed = error.message }
            var checked: String?
            do {
                _ = try document.withReader { try MeetingSummary.check($0, object: JSONDocument.root) }
            } catch let error as CoClickError { checked = error.message }
            #expect(checked == typed, "\(text)")
        }
        // Every field in each of its kinds, together: the same verdict and the same id (the page
        // check passes its fields in one test of their kinds, and finds its error otherwise).
        let kinds = ["", #""x""#, #""""#, "null", "7", "[]", #""2021-10-27T17:10:36.000+02:00""#]
        for combination in 0..<(kinds.count * kinds.count * kinds.count * kinds.count * kinds.count) {
            var rest = combination
            var fields: [String] = []
            for key in ["id", "token", "user", "status", "starts_at"] {
                let value = kinds[rest % kinds.count]
                rest /= kinds.count
                if !value.isEmpty { fields.append("\"\(key)\":\(value)") }
            }
            let text = "{" + fields.joined(separator: ",") + "}"
            let document = try JSONDocument.parse(Data(text.utf8))
            var typed: String
            do {
                typed = try MeetingSummary(json: document.value(at: JSONDocument.root)).id
            } catch let error as CoClickError { typed = error.message }
            var checked: String
            do {
                checked = try document.withReader { page in
                    String(decoding: page.bytes(try MeetingSummary.check(page, object: JSONDocument.root)), as: UTF8.self)
                }
            } catch let error as CoClickError { checked = error.message }
            #expect(checked == typed, "\(text)")
        }
    }

    @Test func missingIdIsADecodeError() throws {
        let error = #expect(throws: CoClickError.self) {
            try MeetingSummary(json: JSONValue.parse(#"{"user":"a@b.c"}"#))
        }
        #expect(error?.kind == .decode)
        #expect(error?.message.contains("id") == true)
        let nullToken = #expect(throws: CoClickError.self) {
            try Meeting(json: JSONValue.parse(#"{"token":null,"user":"a@b.c"}"#))
        }
        #expect(nullToken?.kind == .decode)
        #expect(nullToken?.message.contains("token") == true)
    }

    @Test func wrongTypesNameTheField() throws {
        let cases: [(String, String)] = [
            (#"{"id":"x","user":42}"#, "user"),
            (#"{"id":"x","status":true}"#, "status"),
            (#"{"id":"x","starts_at":12345}"#, "starts_at"),
            (#"{"id":"x","starts_at":"yesterday"}"#, "starts_at"),
            (#"{"id":7}"#, "id"),
        ]
        for (text, field) in cases {
            let error = #expect(throws: CoClickError.self) { try MeetingSummary(json: JSONValue.parse(text)) }
            #expect(error?.kind == .decode)
            #expect(error?.message.contains(field) == true, "\(text): \(error?.message ?? "")")
        }
        let meetingError = #expect(throws: CoClickError.self) {
            try Meeting(json: JSONValue.parse(#"{"token":"x","duration":"long"}"#))
        }
        #expect(meetingError?.message.contains("duration") == true)
        let cookies = #expect(throws: CoClickError.self) {
            try Meeting(json: JSONValue.parse(#"{"token":"x","cobrowsing_cookies_data":"yum"}"#))
        }
        #expect(cookies?.message.contains("cobrowsing_cookies_data") == true)
    }

    @Test func aSummaryMustBeAnObject() throws {
        let error = #expect(throws: CoClickError.self) { try MeetingSummary(json: .array([])) }
        #expect(error?.kind == .decode)
    }

    @Test func brokenJSONIsADecodeError() {
        let error = #expect(throws: CoClickError.self) { try JSONValue.parse("[{\"id\": ") }
        #expect(error?.kind == .decode)
    }

    @Test func authenticateResponseDecodes() throws {
        let json = try JSONValue.parse(
            """
            { "token": "eyJhbGciOiJIUzI1NiJ9.eyJjb21wYW55IjoxLCJleHAiOjE2NTY1OTU0MTR9.C9vz",
              "expires_at": "2022-06-30T15:23:34.752+02:00", "company": "MyCompany" }
            """)
        let token = try Token(authenticationResponse: json, baseURL: "https://x/api/v1")
        #expect(token.company == "MyCompany")
        #expect(token.expiresAtText == "2022-06-30T15:23:34.752+02:00")
        #expect(abs(token.expiresAt.timeIntervalSince1970 - 1_656_595_414.752) < 0.001)
        #expect(token.baseURL == "https://x/api/v1")
        let missing = #expect(throws: CoClickError.self) {
            try Token(authenticationResponse: JSONValue.parse(#"{"token":"abc"}"#), baseURL: "x")
        }
        #expect(missing?.message.contains("expires_at") == true)
    }

    @Test func newMeetingBodyLeavesOutAbsentFields() {
        let body = NewMeeting(
            user: "a@b.c", startsAt: "2030-01-01T10:00:00Z", cobrowsingURL: "https://x.example/",
            customData: .object(["k": .integer(1)])
        ).json
        #expect(body["user"] == .string("a@b.c"))
        #expect(body["custom_data"] == .object(["k": .integer(1)]))
        #expect(body["cobrowsing_cookies_data"] == nil)
        #expect(body["presenter_waiting_room_iframe_url"] == nil)
    }
}
