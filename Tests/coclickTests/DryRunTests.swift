import CoClickSandbox
import CoClickSandboxTesting
import Foundation
import Testing

/// `--dry-run` (SPEC "For unattended runs") through the built binary: reads real, writes checked,
/// logged and never sent, which the sandbox and a webhook receiver count.
@Suite struct DryRunTests {
    @Test func writesAreLoggedNotSentAndReadsAreReal() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start()
        let receiver = try await WebhookReceiver.start()
        let count = try await TestSandbox.meetingCount(server)
        let user = try #require(server.presenters.first)
        let code = """
            local read = #coclick.meetings.all{}
            local m = coclick.meetings.create{user = "\(user)", starts_at = 1924941600, cobrowsing_url = "https://shop.example.com/"}
            local body, meta = coclick.api.post("/things", {n = 1})
            local status, text = coclick.http.post_json(\(receiver.url(status: 200).debugDescription), {text = "key " .. os.getenv("COCLICK_SECRET_KEY")})
            return {read = read, id = m.id or "none", dry_run = m.dry_run, user = m.user, meeting_status = m.status,
                    body = body == nil, meta_dry_run = meta.dry_run, webhook = status, text = text}
            """
        let before = server.stats
        let run = try await BinaryRun.coclickOffPool(
            ["--dry-run", "-o", "json", "eval", code],
            environment: Examples.environment(home, server))
        let after = server.stats
        await server.stop()
        await receiver.stop()

        #expect(run.status == 0, "\(run.summary)")
        #expect(after.writes == before.writes, "no POST reached the sandbox: \(after)")
        #expect(after.meetingsCreated == 0 && after.validationFailures == 0)
        #expect(receiver.bodies.isEmpty, "nothing reached the webhook")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(result["read"] as? Int == count, "reads are real")
        #expect(result["id"] as? String == "none" && result["dry_run"] as? Bool == true)
        #expect(result["user"] as? String == user && result["meeting_status"] as? String == "scheduled")
        #expect(result["body"] as? Bool == true && result["meta_dry_run"] as? Bool == true)
        #expect(result["webhook"] as? Int == 204 && result["text"] as? String == "")

        let lines = run.stderr.split(separator: "\n").filter { $0.hasPrefix("dry-run: would POST ") }
        #expect(lines.count == 3, "\(run.stderr)")
        #expect(lines.first?.hasPrefix("dry-run: would POST /meetings {\"cobrowsing_url\":\"https://shop.example.com/\"") == true)
        #expect(lines.dropFirst().first == "dry-run: would POST /things {\"n\":1}")
        #expect(
            lines.last?.hasPrefix("dry-run: would POST http://127.0.0.1:\(receiver.port)/[REDACTED] ") == true,
            "the webhook's path is hidden: \(run.stderr)")
        #expect(!run.stderr.contains(server.secretKey), "the key is redacted: \(run.stderr)")
    }

    @Test func anInvalidWriteFailsAsTheAPIWouldWithoutSending() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start()
        let code = """
            local ok, err = pcall(coclick.meetings.create, {user = "someone", starts_at = "next tuesday", cobrowsing_url = "shop"})
            return {kind = err.kind, user = err.errors.user[1], starts_at = err.errors.starts_at[1],
                    url = err.errors.cobrowsing_url[1], text = tostring(err)}
            """
        let run = try await BinaryRun.coclickOffPool(
            ["--dry-run", "-o", "json", "eval", code],
            environment: Examples.environment(home, server))
        let cli = try await BinaryRun.coclickOffPool(
            ["--dry-run", "api", "POST", "/meetings", "-f", "user=a@b.c"],
            environment: Examples.environment(home, server))
        let stats = server.stats
        await server.stop()

        #expect(run.status == 0, "\(run.summary)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: String])
        #expect(result["kind"] == "validation")
        #expect(result["user"] == "is not an email address")
        #expect(result["starts_at"]?.hasPrefix("is not an ISO 8601 date") == true)
        #expect(result["url"] == "Cobrowsing URL is not valid")
        #expect(result["text"]?.hasPrefix("CoClick validation: dry-run: user: ") == true, "\(result)")
        #expect(cli.status == 1 && cli.stderr.contains("starts_at: please specify a start date"), "\(cli.summary)")
        #expect(!run.stderr.contains("dry-run: would") && !cli.stderr.contains("dry-run: would"))
        #expect(stats.writes == 0, "\(stats)")
    }

    @Test func unknownQueryStatusWarnsOnceAndIsStillSent() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start()
        let before = server.stats.requests
        let run = try await BinaryRun.coclickOffPool(
            [
                "eval",
                "return #coclick.meetings.list{q = {status = 'pending'}} + #coclick.meetings.all{q = {status = {'pending', 'closed'}}}"
                    + " + #coclick.api.get('/meetings', {query = {q = {status = 'unheard_of'}}})",
            ],
            environment: Examples.environment(home, server))
        let requests = server.stats.requests - before
        let good = try await BinaryRun.coclickOffPool(
            ["eval", "return #coclick.meetings.list{q = {status = 'closed'}}"],
            environment: Examples.environment(home, server))
        await server.stop()

        #expect(run.status == 0, "\(run.summary)")
        let warnings = run.stderr.split(separator: "\n").filter {
            $0.contains("WARN q.status \"pending\" is not one of scheduled, in_progress, closed, cancelled")
        }
        #expect(warnings.count == 1, "\(run.stderr)")
        #expect(run.stderr.contains("WARN q.status \"unheard_of\" is not one of"), "coclick.api.get on /meetings too: \(run.stderr)")
        #expect(requests >= 4, "authentication and the three listings were sent: \(requests)")
        #expect(good.status == 0 && good.stderr.isEmpty, "\(good.summary)")
    }

    @Test func helpDocumentsTheNewBindings() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let terminal = try PseudoTerminal([], environment: home.environment(["COLUMNS": "200"]))
        try terminal.expect("> ")
        terminal.send("help(coclick.api.get)\r")
        try terminal.expect("coclick.api.get(path [, {query=, page=, per=, paginate=}])")
        try terminal.expect("paginate  true: every page")
        terminal.send("help(coclick.api.post)\r")
        try terminal.expect("with --dry-run nothing is sent")
        terminal.send("help()\r")
        try terminal.expect("coclick.api.post(path, body)")
        terminal.send("\u{4}")
        #expect(try terminal.waitForExit() == 0)
    }
}
