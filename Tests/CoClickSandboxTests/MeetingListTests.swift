import CoClickSandbox
import Foundation
import NIOHTTP1
import Testing

@Suite("GET /meetings")
struct MeetingListTests {
    @Test func defaultsArePage1Of20SortedByStart() async throws {
        try await Harness.with { sandbox in
            let token = try await sandbox.token()
            let exchange = try await sandbox.send(.GET, "/meetings", token: token)
            #expect(exchange.status == 200)
            #expect(exchange.header("X-Page") == "1")
            #expect(exchange.header("X-Per") == "20")
            let items = try #require(exchange.array)
            #expect(items.count == 20)
            for item in items {
                #expect(Set(item.keys) == ["id", "user", "status", "starts_at"])
                let id = try #require(item["id"] as? String)
                #expect(id.count == 64 && id.allSatisfy(\.isHexDigit))
            }
            let starts = items.compactMap { $0["starts_at"] as? String }
            #expect(starts == starts.sorted(), "same offset everywhere, so text order is time order")
            // The summary keys come in the documented order.
            #expect(exchange.body.hasPrefix(#"[{"id":"#))
        }
    }

    @Test func pagesWithXPageAndXPerEndOnAShortPage() async throws {
        try await Harness.with({ $0.meetingCount = 23 }) { sandbox in
            let token = try await sandbox.token()
            var pages: [[String]] = []
            for page in 1...4 {
                let exchange = try await sandbox.send(.GET, "/meetings", token: token, headers: [("X-Page", "\(page)"), ("X-Per", "10")])
                #expect(exchange.header("X-Page") == "\(page)")
                #expect(exchange.header("X-Per") == "10")
                pages.append(try #require(exchange.array).compactMap { $0["id"] as? String })
            }
            #expect(pages.map(\.count) == [10, 10, 3, 0])
            #expect(Set(pages.joined()).count == 23)
        }
    }

    @Test func perIsCappedAt100AndBadHeadersFallBackToDefaults() async throws {
        try await Harness.with({ $0.meetingCount = 150 }) { sandbox in
            let token = try await sandbox.token()
            let big = try await sandbox.send(.GET, "/meetings", token: token, headers: [("X-Per", "500")])
            #expect(try #require(big.array).count == 100)
            #expect(big.header("X-Per") == "100")
            let bad = try await sandbox.send(.GET, "/meetings", token: token, headers: [("X-Page", "zero"), ("X-Per", "-3")])
            #expect(try #require(bad.array).count == 20)
            #expect(bad.header("X-Page") == "1")
            let far = try await sandbox.send(.GET, "/meetings", token: token, headers: [("X-Page", "99999999999")])
            #expect(far.status == 200)
            #expect(try #require(far.array).isEmpty)
        }
    }

    @Test func qFiltersOnUserAndStatus() async throws {
        try await Harness.with { sandbox in
            let token = try await sandbox.token()
            let all = try await sandbox.allSummaries(token: token)
            #expect(all.count == 60)
            let user = try #require(all.first?["user"] as? String)
            let encodedUser = try #require(user.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            #expect(encodedUser.contains("%40"))

            let byUser = try await sandbox.allSummaries(token: token, query: "?q%5Buser%5D=\(encodedUser)")
            #expect(!byUser.isEmpty)
            #expect(byUser.count == all.filter { $0["user"] as? String == user }.count)
            #expect(byUser.allSatisfy { $0["user"] as? String == user })

            let closedOfUser = try await sandbox.allSummaries(token: token, query: "?q%5Buser%5D=\(encodedUser)&q%5Bstatus%5D=closed")
            #expect(closedOfUser.count == all.filter { $0["user"] as? String == user && $0["status"] as? String == "closed" }.count)

            let either = try await sandbox.allSummaries(token: token, query: "?q[status][]=cancelled&q[status][]=in_progress")
            #expect(either.count == all.filter { ["cancelled", "in_progress"].contains($0["status"] as? String ?? "") }.count)
            #expect(!either.isEmpty)

            let nobody = try await sandbox.allSummaries(token: token, query: "?q[user]=nobody%40example.com")
            #expect(nobody.isEmpty)
        }
    }
}
