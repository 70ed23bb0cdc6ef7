import CoClickSandbox
import Foundation
import NIOHTTP1
import Testing

@Suite("Seed data and server lifecycle")
struct SeedAndServerTests {
    /// Every meeting in full, in list order.
    private func world(seed: UInt64, meetings: Int = 60) async throws -> (id: String, key: String, body: [String]) {
        var result = ("", "", [String]())
        try await Harness.with({
            $0.seed = seed
            $0.meetingCount = meetings
        }) { sandbox in
            let token = try await sandbox.token()
            var bodies: [String] = []
            for summary in try await sandbox.allSummaries(token: token) {
                let id = try #require(summary["id"] as? String)
                let body = try await sandbox.send(.GET, "/meetings/\(id)", token: token).body
                // Room URLs name the sandbox's own port, which differs between runs.
                bodies.append(body.replacingOccurrences(of: sandbox.server.baseURL.replacingOccurrences(of: "/api/v1", with: ""), with: "ORIGIN"))
            }
            result = (sandbox.server.secretID, sandbox.server.secretKey, bodies)
        }
        return result
    }

    @Test func sameSeedSameWorldOtherSeedOtherWorld() async throws {
        let first = try await world(seed: 42)
        let second = try await world(seed: 42)
        #expect(first.id == second.id && first.key == second.key)
        #expect(first.body == second.body)
        #expect(first.body.count == 60)
        let other = try await world(seed: 43)
        #expect(other.id != first.id)
        #expect(other.body != first.body)
        #expect(first.id.count == 32 && first.id.allSatisfy(\.isHexDigit))
        #expect(first.key.count == 64 && first.key.allSatisfy(\.isHexDigit))
    }

    @Test func dataLooksLikeARealCompany() async throws {
        try await Harness.with { sandbox in
            let token = try await sandbox.token()
            let all = try await sandbox.allSummaries(token: token)
            #expect(Set(all.compactMap { $0["status"] as? String }) == ["scheduled", "in_progress", "closed", "cancelled"])
            #expect(Set(all.compactMap { $0["user"] as? String }).count >= 4)
            let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
            let todays = all.filter { ($0["starts_at"] as? String)?.hasPrefix(today) == true }
            #expect(todays.count >= 10, "a daily digest has something to show")
            let days = Set(all.compactMap { ($0["starts_at"] as? String)?.prefix(10) })
            #expect(days.count >= 8, "spread over several days")
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let dates = all.compactMap { ($0["starts_at"] as? String).flatMap(formatter.date(from:)) }
            #expect(dates.count == all.count)
            #expect(dates.allSatisfy { $0.timeIntervalSinceNow > -8 * 86400 && $0.timeIntervalSinceNow < 15 * 86400 })
        }
    }

    @Test func tinySandboxStillHasEveryStatus() async throws {
        try await Harness.with({ $0.meetingCount = 4 }) { sandbox in
            let all = try await sandbox.allSummaries(token: try await sandbox.token())
            #expect(Set(all.compactMap { $0["status"] as? String }).count == 4)
        }
    }

    @Test func port0PicksAFreePortAndATakenPortFails() async throws {
        let first = try await SandboxServer.start(SandboxConfiguration())
        let second = try await SandboxServer.start(SandboxConfiguration())
        #expect(first.port > 0 && second.port > 0 && first.port != second.port)
        #expect(first.baseURL == "http://127.0.0.1:\(first.port)/api/v1")
        #expect(!first.description.contains(first.secretKey))

        var taken = SandboxConfiguration()
        taken.port = first.port
        await #expect(throws: SandboxStartError.self) { try await SandboxServer.start(taken) }
        await first.stop()
        await second.stop()
    }

    @Test func statsCountEveryRequest() async throws {
        try await Harness.with { sandbox in
            let token = try await sandbox.token()
            _ = try await sandbox.send(.GET, "/meetings", token: token)
            _ = try await sandbox.send(.GET, "/nowhere")
            let stats = sandbox.server.stats
            #expect(stats.requests == 3)
            #expect(stats.authentications == 1)
        }
    }
}
