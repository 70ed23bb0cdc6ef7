import CoClickSandbox
import Foundation
import NIOHTTP1
import Testing

@Suite("GET /meetings/{id}, POST /meetings, unknown routes")
struct MeetingDetailTests {
    static let fullKeys = [
        "token", "status", "starts_at", "duration", "cobrowsing_url", "cobrowsing_cookies_data", "user",
        "custom_data", "presenter_waiting_room_iframe_url", "prospect_waiting_room_iframe_url",
        "prospect_room_url", "presenter_room_url",
    ]

    @Test func getReturnsTheFullFormWithTokenAndNulls() async throws {
        try await Harness.with { sandbox in
            let token = try await sandbox.token()
            let summaries = try await sandbox.allSummaries(token: token)
            for summary in summaries.prefix(12) {
                let id = try #require(summary["id"] as? String)
                let exchange = try await sandbox.send(.GET, "/meetings/\(id)", token: token)
                #expect(exchange.status == 200)
                let meeting = try #require(exchange.object)
                #expect(Set(meeting.keys) == Set(Self.fullKeys))
                #expect(meeting["token"] as? String == id)
                #expect(meeting["user"] as? String == summary["user"] as? String)
                #expect(meeting["status"] as? String == summary["status"] as? String)
                #expect(meeting["starts_at"] as? String == summary["starts_at"] as? String)
                #expect(meeting["presenter_waiting_room_iframe_url"] is NSNull)
                #expect(meeting["cobrowsing_cookies_data"] is [Any])
                #expect(meeting["custom_data"] is [String: Any])
                // duration: a number once closed, null otherwise.
                if meeting["status"] as? String == "closed" {
                    #expect(meeting["duration"] is NSNumber)
                } else {
                    #expect(meeting["duration"] is NSNull)
                }
                #expect(exchange.body.hasPrefix(#"{"token":"\#(id)","status":"#))
            }
        }
    }

    @Test func unknownMeetingAndUnknownRouteAre404JSON() async throws {
        try await Harness.with { sandbox in
            let token = try await sandbox.token()
            let missing = try await sandbox.send(.GET, "/meetings/\(String(repeating: "ab", count: 32))", token: token)
            #expect(missing.status == 404)
            #expect(missing.body == #"{"error":"Not Found"}"#)
            for path in ["/nowhere", "/meetings/a/b"] {
                let exchange = try await sandbox.send(.GET, path, token: token)
                #expect(exchange.status == 404)
                #expect(exchange.body == #"{"error":"Not Found"}"#)
            }
            let delete = try await sandbox.send(.DELETE, "/meetings", token: token)
            #expect(delete.status == 404)
        }
    }

    @Test func createReturns201AndTheMeetingIsListedAfterwards() async throws {
        try await Harness.with { sandbox in
            let token = try await sandbox.token()
            let user = try #require(sandbox.server.presenters.last)
            let body = """
                {"user":"\(user.uppercased())","starts_at":"2030-01-02T10:30:00+02:00","cobrowsing_url":"https://shop.example.com/",
                 "cobrowsing_cookies_data":[{"name":"sid","value":"42"}],"custom_data":{"user_id":17,"username":"Phil","vip":true},
                 "prospect_waiting_room_iframe_url":"https://example.com/wait"}
                """
            let exchange = try await sandbox.send(.POST, "/meetings", token: token, body: body)
            #expect(exchange.status == 201)
            let meeting = try #require(exchange.object)
            #expect(Set(meeting.keys) == Set(Self.fullKeys))
            #expect(meeting["user"] as? String == user)
            #expect(meeting["status"] as? String == "scheduled")
            #expect(meeting["starts_at"] as? String == "2030-01-02T08:30:00.000+00:00")
            #expect(meeting["duration"] is NSNull)
            #expect(meeting["presenter_waiting_room_iframe_url"] is NSNull)
            #expect(meeting["prospect_waiting_room_iframe_url"] as? String == "https://example.com/wait")
            #expect(exchange.body.contains(#""custom_data":{"user_id":17,"username":"Phil","vip":true}"#))
            #expect(exchange.body.contains(#""cobrowsing_cookies_data":[{"name":"sid","value":"42"}]"#))
            let id = try #require(meeting["token"] as? String)
            #expect(id.count == 64)

            let all = try await sandbox.allSummaries(token: token)
            #expect(all.count == 61)
            #expect(all.last?["id"] as? String == id, "the latest start sorts last")
            #expect(try await sandbox.send(.GET, "/meetings/\(id)", token: token).object?["token"] as? String == id)
            #expect(sandbox.server.stats.meetingsCreated == 1)

            // Epoch seconds are accepted too, as Rails casts numbers to times.
            let epoch = try await sandbox.send(
                .POST, "/meetings", token: token, body: #"{"meeting":{"user":"\#(user)","starts_at":1893456000,"cobrowsing_url":"http://a.example"}}"#
            )
            #expect(epoch.status == 201)
            #expect(epoch.object?["starts_at"] as? String == "2030-01-01T00:00:00.000+00:00")
        }
    }

    @Test func validationFailureHasTheDocumentedShape() async throws {
        try await Harness.with { sandbox in
            let token = try await sandbox.token()
            let exchange = try await sandbox.send(.POST, "/meetings", token: token, body: #"{"user":"stranger@example.com"}"#)
            #expect(exchange.status == 422)
            #expect(
                exchange.body == """
                    {"token":null,"status":"scheduled","starts_at":null,"duration":null,"cobrowsing_url":null,\
                    "cobrowsing_cookies_data":[],"user":null,"custom_data":null,"presenter_waiting_room_iframe_url":null,\
                    "prospect_waiting_room_iframe_url":null,"prospect_room_url":null,"presenter_room_url":null,\
                    "errors":{"user":["User must exist"],"starts_at":["please specify a start date"],\
                    "cobrowsing_url":["Please specify a cobrowsing URL","Cobrowsing URL is not valid"]}}
                    """)

            let user = try #require(sandbox.server.presenters.first)
            let badURL = try await sandbox.send(
                .POST, "/meetings", token: token,
                body: #"{"user":"\#(user)","starts_at":"tomorrow","cobrowsing_url":"ftp://files.example.com"}"#)
            #expect(badURL.status == 422)
            let errors = try #require(badURL.object?["errors"] as? [String: [String]])
            #expect(errors == ["starts_at": ["please specify a start date"], "cobrowsing_url": ["Cobrowsing URL is not valid"]])
            #expect(sandbox.server.stats.validationFailures == 2)
            #expect(sandbox.server.stats.meetingsCreated == 0)
            #expect(try await sandbox.allSummaries(token: token).count == 60)

            let notJSON = try await sandbox.send(.POST, "/meetings", token: token, body: "user=x")
            #expect(notJSON.status == 400)
        }
    }
}
