import CoClickSandbox
import CoClickSandboxTesting
import Foundation
import Testing

/// scripts/examples/daily-digest.lua against the in-process sandbox.
@Suite struct DigestTests {
    static let script: String = {
        // Tests/coclickTests/DigestTests.swift -> the package root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent("scripts/examples/daily-digest.lua").path
    }()

    @Test func todaysDigestIsMarkdownByPresenter() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start()
        let presenters = server.presenters
        await server.stop()

        let run = try await BinaryRun.coclickOffPool(["--sandbox", "run", Self.script], environment: home.environment())
        #expect(run.status == 0, "\(run.summary)")
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let today = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
        #expect(lines.first == "# Meetings on \(today)", "\(run.summary)")
        let headings = lines.filter { $0.hasPrefix("## ") }
        #expect(!headings.isEmpty, "the sandbox seeds meetings around today: \(run.summary)")
        for heading in headings {
            #expect(presenters.contains { heading.hasPrefix("## \($0) (") }, "\(heading) names a seeded presenter")
        }
        #expect(lines.contains { $0.hasPrefix("| ") && $0.range(of: #"^\| \d\d:\d\d \| "#, options: .regularExpression) != nil })
    }

    @Test func aDayWithoutMeetingsAndABadDate() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let empty = try BinaryRun.coclick(["--sandbox", "run", Self.script, "1999-01-02"], environment: home.environment())
        #expect(empty.status == 0, "\(empty.summary)")
        #expect(empty.stdout == "# Meetings on 1999-01-02\n\nNo meetings.\n")

        let bad = try BinaryRun.coclick(["run", Self.script, "yesterday"], environment: home.environment())
        #expect(bad.status == 2, "\(bad.summary)")
        #expect(bad.stderr.contains("not a date"))
    }

    @Test func sinceLastRunStartsWhereTheLastSuccessfulRunStarted() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let first = try BinaryRun.coclick(["--sandbox", "run", Self.script, "--since-last-run"], environment: home.environment())
        #expect(first.status == 0, "\(first.summary)")
        let today = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
        #expect(first.stdout.hasPrefix("# Meetings since \(today) 00:00\n"), "the first time: since the start of today: \(first.summary)")

        // The script's namespace is its absolute path: read the recorded start through it.
        let path = URL(fileURLWithPath: Self.script).resolvingSymlinksInPath().path
        let recorded = try BinaryRun.coclick(
            ["--state", path, "eval", "return coclick.time.format(coclick.run.last_success, 'utc')"],
            environment: home.environment())
        let stamp = recorded.stdout.trimmingCharacters(in: CharacterSet(charactersIn: "\"\n"))
        #expect(stamp.count >= 16, "\(recorded.summary)")
        let second = try BinaryRun.coclick(["--sandbox", "run", Self.script, "--since-last-run"], environment: home.environment())
        #expect(second.status == 0, "\(second.summary)")
        let expected = "# Meetings since \(stamp.prefix(10)) \(stamp.dropFirst(11).prefix(5))\n"
        #expect(second.stdout.hasPrefix(expected), "\(expected) \(second.summary)")

        let both = try BinaryRun.coclick(["run", Self.script, "2024-05-17", "--since-last-run"], environment: home.environment())
        #expect(both.status == 2, "\(both.summary)")
    }
}
