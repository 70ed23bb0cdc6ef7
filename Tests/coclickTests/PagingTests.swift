import CoClickSandbox
import CoClickSandboxTesting
import Foundation
import Testing

/// `--max-concurrency` as a user passes it: the window of list requests the sandbox sees.
@Suite struct PagingTests {
    static let listing = "local n = 0 for m in coclick.meetings.each{per = 5} do n = n + 1 end return n"
    /// `each` and `all` over every page.
    static let listings = [listing, "return #coclick.meetings.all{per = 5}"]

    @Test(arguments: listings)
    func maxConcurrencyOneKeepsOneListRequestInFlight(listing: String) async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start(faults: "latency=20ms")
        defer { Task { await server.stop() } }
        let expected = try await TestSandbox.meetingCount(server)
        let run = try await BinaryRun.coclickOffPool(
            ["--max-concurrency", "1", "eval", listing],
            environment: Examples.environment(home, server))
        #expect(run.status == 0 && run.stdout == "\(expected)\n", "\(run.summary)")
        #expect(server.stats.mostListsInFlight == 1, "\(server.stats)")
    }

    /// After `run`, the option's value is not taken for the script: FILE and its arguments stay whole.
    @Test func maxConcurrencyAfterRunTakesItsValue() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start(faults: "latency=20ms")
        defer { Task { await server.stop() } }
        let expected = try await TestSandbox.meetingCount(server)
        let script = try home.script(
            "count.lua",
            """
            local n = 0 for m in coclick.meetings.each{per = 5} do n = n + 1 end
            print((...), select('#', ...), n)
            """)
        let run = try await BinaryRun.coclickOffPool(
            ["run", "--max-concurrency", "1", script, "a", "--json"],
            environment: Examples.environment(home, server))
        #expect(run.status == 0 && run.stdout == "a\t2\t\(expected)\n", "\(run.summary)")
        #expect(server.stats.mostListsInFlight == 1, "\(server.stats)")
    }

    @Test(arguments: listings)
    func byDefaultSeveralListRequestsAreInFlight(listing: String) async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start(faults: "latency=20ms")
        defer { Task { await server.stop() } }
        let expected = try await TestSandbox.meetingCount(server)
        let run = try await BinaryRun.coclickOffPool(["eval", listing], environment: Examples.environment(home, server))
        #expect(run.status == 0 && run.stdout == "\(expected)\n", "\(run.summary)")
        #expect(server.stats.mostListsInFlight > 1, "\(server.stats)")
    }

    @Test func maxConcurrencyOutOfRangeIsAUsageError() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let run = try BinaryRun.coclick(["--max-concurrency", "0", "eval", "return 1"], environment: home.environment())
        #expect(run.status == 2 && run.stderr.contains("--max-concurrency"), "\(run.summary)")
    }
}
