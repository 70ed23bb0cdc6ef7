import AsyncHTTPClient
import CoClickSandbox
import CoClickSandboxTesting
import Foundation
import NIOHTTP1
import Testing

@Suite("Fault injection")
struct FaultInjectionTests {
    @Test func countedStatusesFireOnTheNextRequestsOnlyAndSpareAuthentication() async throws {
        try await Harness.with({ $0.faults = try FaultPlan(parsing: "503=x2,429=x1,retry_after=7") }) { sandbox in
            let token = try await sandbox.token()  // not faulted: auth_faults is off
            var statuses: [Int] = []
            for _ in 0..<5 {
                let exchange = try await sandbox.send(.GET, "/meetings", token: token)
                statuses.append(exchange.status)
                if exchange.status == 503 || exchange.status == 429 {
                    #expect(exchange.header("Retry-After") == "7")
                    #expect(exchange.object?["error"] is String)
                }
            }
            #expect(statuses == [503, 503, 429, 200, 200])
            #expect(sandbox.server.stats.faultsInjected == 3)

            // setFaults restarts the counters.
            sandbox.server.setFaults(try FaultPlan(parsing: "500=x1"))
            let server = try await sandbox.send(.GET, "/meetings", token: token)
            #expect(server.status == 500)
            #expect(server.header("Retry-After") == nil)
            #expect(try await sandbox.send(.GET, "/meetings", token: token).status == 200)
        }
    }

    @Test func authFaultsIncludeAuthentication() async throws {
        try await Harness.with({ $0.faults = try FaultPlan(parsing: "503=x1,auth_faults=1") }) { sandbox in
            let first = try await sandbox.authenticate()
            #expect(first.status == 503)
            #expect(try await sandbox.authenticate().status == 200)
        }
    }

    @Test func ratesOf0And1AreNeverAndAlways() async throws {
        try await Harness.with({ $0.faults = try FaultPlan(parsing: "502=1") }) { sandbox in
            let token = try await sandbox.token()
            for _ in 0..<5 { #expect(try await sandbox.send(.GET, "/meetings", token: token).status == 502) }
            sandbox.server.setFaults(try FaultPlan(parsing: "502=0"))
            for _ in 0..<5 { #expect(try await sandbox.send(.GET, "/meetings", token: token).status == 200) }
        }
    }

    @Test func ratesAreDeterministicForASeed() async throws {
        func sequence(seed: UInt64) async throws -> [Int] {
            var statuses: [Int] = []
            try await Harness.with({
                $0.seed = seed
                $0.faults = try FaultPlan(parsing: "503=0.5")
            }) { sandbox in
                let token = try await sandbox.token()
                for _ in 0..<40 { statuses.append(try await sandbox.send(.GET, "/meetings", token: token).status) }
            }
            return statuses
        }
        let first = try await sequence(seed: 7)
        #expect(try await sequence(seed: 7) == first)
        #expect(Set(first) == [200, 503])
        let failures = first.filter { $0 == 503 }.count
        #expect((8...32).contains(failures), "about half of 40")
        #expect(try await sequence(seed: 8) != first)
    }

    @Test func malformedIsA200WithInvalidJSON() async throws {
        try await Harness.with({ $0.faults = try FaultPlan(parsing: "malformed=x2") }) { sandbox in
            let token = try await sandbox.token()
            let list = try await sandbox.send(.GET, "/meetings", token: token)
            #expect(list.status == 200)
            #expect(!list.body.isEmpty)
            #expect(list.json == nil)
            #expect(list.body.hasPrefix("[{"))
            // A faulted creation still creates: the answer is lost, not the request.
            let user = try #require(sandbox.server.presenters.first)
            let create = try await sandbox.send(
                .POST, "/meetings", token: token,
                body: #"{"user":"\#(user)","starts_at":"2031-05-05T10:00:00Z","cobrowsing_url":"https://a.example"}"#)
            #expect(create.status == 200)
            #expect(create.json == nil)
            #expect(sandbox.server.stats.meetingsCreated == 1)
            #expect(try await sandbox.send(.GET, "/meetings", token: token).json != nil)
        }
    }

    @Test func htmlIsA502Page() async throws {
        try await Harness.with({ $0.faults = try FaultPlan(parsing: "html=x1") }) { sandbox in
            let token = try await sandbox.token()
            let exchange = try await sandbox.send(.GET, "/meetings/abc", token: token)
            #expect(exchange.status == 502)
            #expect(exchange.header("Content-Type") == "text/html")
            #expect(exchange.body.contains("<h1>502 Bad Gateway</h1>"))
            #expect(try await sandbox.send(.GET, "/meetings/abc", token: token).status == 404)
        }
    }

    @Test func latencyDelaysEveryResponse() async throws {
        try await Harness.with({ $0.faults = try FaultPlan(parsing: "latency=250ms") }) { sandbox in
            let clock = ContinuousClock()
            let start = clock.now
            let token = try await sandbox.token()
            #expect(clock.now - start >= .milliseconds(250))
            let again = clock.now
            #expect(try await sandbox.send(.GET, "/meetings", token: token).status == 200)
            #expect(clock.now - again >= .milliseconds(250))
            #expect(sandbox.server.stats.faultsInjected == 0)
        }
    }

    @Test func hangNeverAnswersAndStopDoesNotWaitForIt() async throws {
        let server = try await TestSandbox.start(faults: "hang=x2")
        let sandbox = Harness(server: server)
        let token = try await sandbox.token()
        // A client timeout ends the first hung request, and the second stays hung until stop().
        await #expect(throws: (any Error).self) {
            try await sandbox.send(.GET, "/meetings", token: token, timeout: .milliseconds(300))
        }
        let pending = Task { try await sandbox.send(.GET, "/meetings", token: token, timeout: .seconds(60)) }
        // Once the second request hangs at the server.
        #expect(await waitUntil { server.stats.faultsInjected == 2 })

        let clock = ContinuousClock()
        let start = clock.now
        await server.stop()
        #expect(clock.now - start < .seconds(5))
        await #expect(throws: (any Error).self) { try await pending.value }
        await server.stop()  // a second stop is harmless
    }
}
