import CoClickSandbox
import Foundation
import Testing

/// The store's indexes answer as a scan of every meeting would: filtered pages (users,
/// statuses, both, several values, free text), deep pages, after creations too; and a sandbox
/// of a million meetings starts and serves its last pages.
@Suite("Meeting indexes")
struct MeetingIndexTests {
    /// Every page of `query`, 7 at a time (pages end across the index lists' boundaries).
    static func pages(_ sandbox: Harness, _ token: String, _ query: String) async throws -> [String] {
        var ids: [String] = []
        for page in 1... {
            let exchange = try await sandbox.send(
                .GET, "/meetings\(query)", token: token,
                headers: [("X-Page", "\(page)"), ("X-Per", "7")])
            let items = try #require(exchange.array)
            ids += items.compactMap { $0["id"] as? String }
            if items.count < 7 { break }
        }
        return ids
    }

    @Test func filteredPagesMatchAScanOfEveryMeeting() async throws {
        try await Harness.with({ $0.meetingCount = 700 }) { sandbox in
            let token = try await sandbox.token()
            let presenters = sandbox.server.presenters
            // Meetings created between seeded ones, and at the very start and end.
            for (index, start) in ["2000-01-01T00:00:00Z", "2099-01-01T00:00:00Z", "2026-01-01T00:00:00Z"].enumerated() {
                let body = #"{"user":"\#(presenters[index])","starts_at":"\#(start)","cobrowsing_url":"https://x.example/"}"#
                #expect(try await sandbox.send(.POST, "/meetings", token: token, body: body).status == 201)
            }
            let all = try await sandbox.allSummaries(token: token)
            #expect(all.count == 703)
            let starts = all.compactMap { $0["starts_at"] as? String }
            #expect(starts == starts.sorted())

            let user = presenters[1], other = presenters[3]
            let encoded = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text }
            let cases: [(String, ([String: Any]) -> Bool)] = [
                ("", { _ in true }),
                ("?q[user]=\(encoded(user))", { $0["user"] as? String == user }),
                ("?q[user]=\(encoded(user.uppercased()))", { $0["user"] as? String == user }),
                ("?q[status]=closed", { $0["status"] as? String == "closed" }),
                ("?q[user]=\(encoded(user))&q[status]=scheduled", { $0["user"] as? String == user && $0["status"] as? String == "scheduled" }),
                (
                    "?q[user][]=\(encoded(user))&q[user][]=\(encoded(other))&q[status_in][]=cancelled&q[status_in][]=scheduled",
                    { [user, other].contains($0["user"] as? String ?? "") && ["cancelled", "scheduled"].contains($0["status"] as? String ?? "") }
                ),
                ("?q=bruno", { ($0["user"] as? String ?? "").contains("bruno") }),
                ("?q=in_progress", { $0["status"] as? String == "in_progress" }),
                ("?q[status]=unknown", { _ in false }),
            ]
            for (written, keep) in cases {
                // Brackets escaped as a client sends them (a raw one makes the URL re-encoded whole).
                let query = written.replacingOccurrences(of: "[", with: "%5B").replacingOccurrences(of: "]", with: "%5D")
                let expected = all.filter(keep).compactMap { $0["id"] as? String }
                let listed = try await Self.pages(sandbox, token, query)
                #expect(listed == expected, "q: \(query)")
            }
            #expect(!all.filter { $0["user"] as? String == user && $0["status"] as? String == "scheduled" }.isEmpty)
        }
    }

    @Test func aMillionMeetingsAreServedToTheLastPage() async throws {
        try await Harness.with({ $0.meetingCount = 1_000_000 }) { sandbox in
            let token = try await sandbox.token()
            let last = try await sandbox.send(.GET, "/meetings", token: token, headers: [("X-Page", "10000"), ("X-Per", "100")])
            let items = try #require(last.array)
            #expect(items.count == 100)
            let beyond = try await sandbox.send(.GET, "/meetings", token: token, headers: [("X-Page", "10001"), ("X-Per", "100")])
            #expect(try #require(beyond.array).isEmpty)
            let id = try #require(items.last?["id"] as? String)
            #expect(try await sandbox.send(.GET, "/meetings/\(id)", token: token).object?["token"] as? String == id)
            let deep = try await sandbox.send(
                .GET, "/meetings?q[status]=in_progress", token: token,
                headers: [("X-Page", "300"), ("X-Per", "100")])
            let inProgress = try #require(deep.array)
            #expect(!inProgress.isEmpty && inProgress.allSatisfy { $0["status"] as? String == "in_progress" })
        }
    }
}
