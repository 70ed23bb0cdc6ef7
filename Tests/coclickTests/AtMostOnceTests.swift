import CoClickSandbox
import CoClickSandboxTesting
import Foundation
import Testing

/// `coclick.meetings.create(fields, {key=})` and `scripts/examples/bulk-create.lua` through the
/// binary: a run stopped at any point (SIGKILL, --timeout while a POST hangs) is run again and
/// every row exists exactly once.
@Suite struct AtMostOnceTests {
    /// The meetings of `user` starting at `startsAt`, counted over raw HTTP.
    private static func count(_ server: SandboxServer, user: String, startsAt: String) async throws -> Int {
        let wanted = ISO8601DateFormatter().date(from: startsAt)
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return try await RawSandbox(server).summaries().filter { summary in
            guard summary["user"] as? String == user, let text = summary["starts_at"] as? String else { return false }
            return parser.date(from: text) == wanted
        }.count
    }

    @Test func bulkCreateKilledAfterThreeRowsThenRunAgainCreatesEachRowOnce() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        // Latency leaves time to arm the hang between the third row's reply and the fourth's.
        let server = try await TestSandbox.start(faults: "latency=300ms")
        defer { Task { await server.stop() } }
        let users = server.presenters
        let starts = (1...6).map { "2031-02-0\($0)T09:00:00Z" }
        let rows = starts.enumerated().map { index, start in "\(users[index % users.count]),\(start),https://shop.example.com/\(index)" }
        let file = try home.script("import.csv", "user,starts_at,cobrowsing_url\n" + rows.joined(separator: "\n") + "\n")
        let environment = Examples.environment(home, server)
        let before = server.stats.meetingsCreated

        let first = try RunningBinary(["run", Examples.path("bulk-create.lua"), file], environment: environment)
        // Three rows created: the fourth POST, already on its way, is served and never answered.
        #expect(await waitUntil { server.stats.meetingsCreated - before >= 3 }, "\(first.stderr)")
        server.setFaults(try FaultPlan(parsing: "latency=300ms,hang=x1"))
        #expect(await waitUntil { server.stats.meetingsCreated - before == 4 }, "\(first.stderr)")
        first.kill(SIGKILL)
        #expect(await first.finishOffPool() == 128 + SIGKILL)
        #expect(first.stdout.split(separator: "\n").count == 3, "\(first.stdout)")
        server.setFaults(FaultPlan())

        let second = try await BinaryRun.coclickOffPool(["run", Examples.path("bulk-create.lua"), file], environment: environment)
        #expect(second.status == 0, "\(second.summary)")
        let ids = second.stdout.split(separator: "\n").map(String.init)
        #expect(ids.count == 6 && Set(ids).count == 6, "\(second.summary)")
        #expect(Array(ids.prefix(3)) == first.stdout.split(separator: "\n").map(String.init))
        #expect(second.stderr == "bulk-create: 2 created, 4 created earlier, 0 failed\n", "\(second.summary)")
        #expect(server.stats.meetingsCreated - before == 6)
        for (index, start) in starts.enumerated() {
            #expect(try await Self.count(server, user: users[index % users.count], startsAt: start) == 1, "row \(index + 2)")
        }

        // A third run creates nothing.
        let third = try await BinaryRun.coclickOffPool(["run", Examples.path("bulk-create.lua"), file], environment: environment)
        #expect(third.status == 0 && third.stdout == second.stdout, "\(third.summary)")
        #expect(server.stats.meetingsCreated - before == 6)
    }

    private static func keyedScript(_ home: IsolatedHome, user: String) throws -> String {
        try home.script(
            "one.lua",
            """
            local m, how = coclick.meetings.create({user = "\(user)", starts_at = "2031-05-06T07:08:00+02:00",
              cobrowsing_url = "https://shop.example.com/once"}, {key = "once-1"})
            print(m.id, how)

            """)
    }

    @Test func aPostLeftHangingUntilTimeoutIsAdoptedByTheNextRun() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start()
        defer { Task { await server.stop() } }
        let user = try #require(server.presenters.first)
        let script = try Self.keyedScript(home, user: user)
        let environment = Examples.environment(home, server)
        // Authenticate first, so that the hang falls on the POST.
        #expect(try await BinaryRun.coclickOffPool(["eval", "return coclick.auth().company"], environment: environment).status == 0)
        let before = server.stats.meetingsCreated
        server.setFaults(try FaultPlan(parsing: "hang=x1"))

        // --timeout leaves room for the run to reach its POST on a loaded machine (start, state
        // database, configuration): the hang, not the set-up, is what it must cut.
        let hung = try await BinaryRun.coclickOffPool(["--timeout", "6", "run", script], environment: environment)
        #expect(hung.status == 124, "\(hung.summary)")
        #expect(server.stats.meetingsCreated - before == 1, "the sandbox created it; the reply never came")

        let adopted = try await BinaryRun.coclickOffPool(["run", script], environment: environment)
        #expect(adopted.status == 0, "\(adopted.summary)")
        let fields = adopted.stdout.trimmingCharacters(in: .newlines).split(separator: "\t").map(String.init)
        #expect(fields.count == 2 && fields[0].count == 64 && fields[1] == "adopted", "\(adopted.summary)")
        #expect(server.stats.meetingsCreated - before == 1)

        let again = try await BinaryRun.coclickOffPool(["run", script], environment: environment)
        #expect(again.stdout == "\(fields[0])\texisting\n", "\(again.summary)")
        #expect(server.stats.meetingsCreated - before == 1)
        #expect(try await Self.count(server, user: user, startsAt: "2031-05-06T05:08:00Z") == 1)
    }

    @Test func aPendingKeyWhoseMeetingIsNotFoundIsUncertain() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let first = try await TestSandbox.start()
        let user = try #require(first.presenters.first)
        let port = first.port
        let script = try Self.keyedScript(home, user: user)
        #expect(
            try await BinaryRun.coclickOffPool(["eval", "return coclick.auth().company"], environment: Examples.environment(home, first)).status == 0)
        first.setFaults(try FaultPlan(parsing: "hang=x1"))
        let hung = try await BinaryRun.coclickOffPool(["--timeout", "6", "run", script], environment: Examples.environment(home, first))
        #expect(hung.status == 124, "\(hung.summary)")
        await first.stop()

        // The same base URL, but a service that never saw that POST (as if it was lost on the way).
        let second = try await TestSandbox.start(configure: { $0.port = port })
        defer { Task { await second.stop() } }
        let direct = try await BinaryRun.coclickOffPool(["run", script], environment: Examples.environment(home, second))
        #expect(direct.status == 1, "\(direct.summary)")
        #expect(direct.stderr.contains("\"once-1\""), "the error names the key: \(direct.summary)")
        #expect(direct.stdout.isEmpty)
        let caught = try await BinaryRun.coclickOffPool(
            ["eval", "local ok, e = pcall(dofile, '\(script)'); return e.kind"], environment: Examples.environment(home, second))
        #expect(caught.stdout == "\"uncertain\"\n", "\(caught.summary)")
        #expect(second.stats.meetingsCreated == 0, "not created again")
    }

    @Test func aRefusedCreateLeavesTheKeyFreeForAnotherTry() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start()
        defer { Task { await server.stop() } }
        let user = try #require(server.presenters.first)
        let environment = Examples.environment(home, server)
        let script = try home.script(
            "retry.lua",
            """
            local user = ...
            local ok, e = pcall(coclick.meetings.create, {user = user, starts_at = "2031-07-01T10:00:00Z",
              cobrowsing_url = "https://shop.example.com/"}, {key = "row-7"})
            print(ok and "created" or e.kind)

            """)
        let refused = try await BinaryRun.coclickOffPool(["run", script, "nobody@example.com"], environment: environment)
        #expect(refused.stdout == "validation\n", "\(refused.summary)")
        let fixed = try await BinaryRun.coclickOffPool(["run", script, user], environment: environment)
        #expect(fixed.stdout == "created\n", "\(fixed.summary)")
        #expect(server.stats.meetingsCreated == 1)
    }
}
