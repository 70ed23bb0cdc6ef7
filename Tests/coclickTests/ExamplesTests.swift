import CoClickSandbox
import CoClickSandboxTesting
import Foundation
import Testing

/// scripts/examples/*.lua run by the built binary against sandboxes, checked against what the
/// sandbox holds (read over raw HTTP) and what a real webhook receiver got.
@Suite struct ExamplesTests {
    // MARK: daily-digest.lua --webhook

    @Test func digestIsPostedToTheWebhook() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let receiver = try await WebhookReceiver.start()
        let run = try await BinaryRun.coclickOffPool(
            ["--sandbox", "run", Examples.path("daily-digest.lua"), "--webhook", receiver.url(status: 200)],
            environment: home.environment())
        await receiver.stop()
        #expect(run.status == 0, "\(run.summary)")
        #expect(run.stdout.hasPrefix("# Meetings on "), "\(run.summary)")
        let bodies = receiver.bodies
        #expect(bodies.count == 1, "one post: \(bodies.count)")
        let posted = try #require(try bodies.first.map { try JSONSerialization.jsonObject(with: $0) } as? [String: Any])
        #expect(posted.keys.sorted() == ["text"])
        // The digest posted is the digest printed.
        #expect((posted["text"] as? String).map { $0 + "\n" } == run.stdout)
        #expect((posted["text"] as? String)?.contains("## ") == true, "the sandbox seeds meetings today")
    }

    @Test func webhookFromTheEnvironmentWithADate() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let receiver = try await WebhookReceiver.start()
        let run = try await BinaryRun.coclickOffPool(
            ["--sandbox", "run", Examples.path("daily-digest.lua"), "1999-01-02"],
            environment: home.environment(["DIGEST_WEBHOOK_URL": receiver.url(status: 204)]))
        await receiver.stop()
        #expect(run.status == 0, "\(run.summary)")
        let posted = try #require(try receiver.bodies.first.map { try JSONSerialization.jsonObject(with: $0) } as? [String: Any])
        #expect(posted["text"] as? String == "# Meetings on 1999-01-02\n\nNo meetings.")
    }

    @Test func webhookAnsweringAnErrorIsExitOne() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let receiver = try await WebhookReceiver.start()
        let url = receiver.url(status: 500)
        let run = try await BinaryRun.coclickOffPool(
            ["--sandbox", "run", Examples.path("daily-digest.lua"), "--webhook=\(url)"],
            environment: home.environment())
        await receiver.stop()
        #expect(run.status == 1, "\(run.summary)")
        #expect(receiver.bodies.count == 1)
        #expect(run.stderr.contains("the webhook answered 500"), "\(run.summary)")
        #expect(!run.stderr.contains("/hook/"), "the webhook's path (often its secret) is not shown: \(run.stderr)")
        #expect(run.stdout.hasPrefix("# Meetings on "), "the digest is still printed")
    }

    @Test func unreachableWebhookIsExitFive() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let port = try Examples.closedPort()
        let run = try BinaryRun.coclick(
            ["--sandbox", "run", Examples.path("daily-digest.lua"), "--webhook", "http://127.0.0.1:\(port)/hook/secret-path"],
            environment: home.environment(), timeout: .seconds(90))
        #expect(run.status == 5, "\(run.summary)")
        #expect(run.stderr.hasPrefix("coclick: "), "\(run.summary)")
        #expect(!run.stderr.contains("secret-path"), "\(run.summary)")
    }

    @Test func digestArgumentErrorsAreUsageErrors() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        for arguments in [["--webhook"], ["--bogus"], ["2024-01-01", "2024-01-02"], ["--webhook", "ftp://x"]] {
            let run = try BinaryRun.coclick(["run", Examples.path("daily-digest.lua")] + arguments, environment: home.environment())
            #expect(run.status == 2, "\(arguments): \(run.summary)")
            #expect(run.stderr.contains("usage: daily-digest.lua"), "\(arguments): \(run.summary)")
        }
    }

    // MARK: export-csv.lua

    @Test func exportHasEveryMeetingOfTheRange() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start()
        defer { Task { await server.stop() } }
        let raw = try await RawSandbox(server)

        // The range: from two days ago to tomorrow, UTC days (the test environment's TZ).
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let today = calendar.startOfDay(for: Date())
        let first = try #require(calendar.date(byAdding: .day, value: -2, to: today))
        let last = try #require(calendar.date(byAdding: .day, value: 1, to: today))
        let after = try #require(calendar.date(byAdding: .day, value: 1, to: last))
        let day = DateFormatter()
        day.calendar = calendar
        day.timeZone = calendar.timeZone
        day.locale = Locale(identifier: "en_US_POSIX")
        day.dateFormat = "yyyy-MM-dd"

        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let all = try await raw.summaries()
        let expected = all.compactMap { item -> String? in
            guard let id = item["id"] as? String, let text = item["starts_at"] as? String,
                let starts = parser.date(from: text)
            else { return nil }
            return starts >= first && starts < after ? id : nil
        }
        #expect(!expected.isEmpty && expected.count < all.count, "the range holds some meetings, not all: \(expected.count)/\(all.count)")

        let run = try await BinaryRun.coclickOffPool(
            ["run", Examples.path("export-csv.lua"), day.string(from: first), day.string(from: last)],
            environment: Examples.environment(home, server))
        #expect(run.status == 0, "\(run.summary)")
        let (header, records) = CSVText.records(run.stdout)
        #expect(
            header == [
                "id", "user", "status", "starts_at", "duration", "cobrowsing_url",
                "prospect_room_url", "presenter_room_url", "custom_data",
            ], "\(run.stdout.prefix(300))")
        #expect(records.compactMap { $0["id"] }.sorted() == expected.sorted())
        // In start order.
        let starts = records.compactMap { $0["starts_at"].flatMap(parser.date(from:)) }
        #expect(starts.count == records.count && starts == starts.sorted())

        // Full-meeting columns hold what the API serves for that meeting.
        if let record = records.first, let id = record["id"] {
            let full = try await raw.meeting(id)
            #expect(record["cobrowsing_url"] == full["cobrowsing_url"] as? String)
            #expect(record["prospect_room_url"] == full["prospect_room_url"] as? String)
            #expect(record["user"] == full["user"] as? String && record["status"] == full["status"] as? String)
            if let custom = full["custom_data"] as? [String: Any], !custom.isEmpty {
                let exported = try JSONSerialization.jsonObject(with: Data((record["custom_data"] ?? "").utf8)) as? [String: Any]
                #expect(exported.map { NSDictionary(dictionary: $0) } == NSDictionary(dictionary: custom))
            }
        }
    }

    @Test func exportOfAnEmptyRangeIsTheHeaderAlone() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let run = try BinaryRun.coclick(
            ["--sandbox", "run", Examples.path("export-csv.lua"), "1999-01-01", "1999-01-31"],
            environment: home.environment())
        #expect(run.status == 0, "\(run.summary)")
        #expect(run.stdout == "id,user,status,starts_at,duration,cobrowsing_url,prospect_room_url,presenter_room_url,custom_data\r\n")

        for arguments in [[], ["2024-01-01"], ["2024-02-30", "2024-03-01"], ["2024-03-02", "2024-03-01"]] {
            let bad = try BinaryRun.coclick(["run", Examples.path("export-csv.lua")] + arguments, environment: home.environment())
            #expect(bad.status == 2, "\(arguments): \(bad.summary)")
            #expect(bad.stdout.isEmpty)
        }
    }

    // MARK: bulk-create.lua

    @Test func bulkCreateGoesPastBadRowsAndFails() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start()
        defer { Task { await server.stop() } }
        let user = try #require(server.presenters.first)
        let other = try #require(server.presenters.last)
        let csv = """
            user,starts_at,cobrowsing_url,custom_data
            \(user),2030-05-17T09:30:00Z,https://shop.example.com/,
            nobody@example.com,2030-05-17T10:00:00Z,https://shop.example.com/,
            \(other),2030-05-18T14:00:00+02:00,https://shop.example.com/cart,"{""crm_id"": 42, ""name"": ""Phil, Jr.""}"
            \(user),2030-05-18T15:00:00Z,https://shop.example.com/,{not json
            \(user),,https://shop.example.com/,

            """
        let file = try home.script("meetings.csv", csv)
        let before = server.stats.meetingsCreated
        let run = try await BinaryRun.coclickOffPool(
            ["run", Examples.path("bulk-create.lua"), file],
            environment: Examples.environment(home, server))
        #expect(run.status == 1, "\(run.summary)")
        let ids = run.stdout.split(separator: "\n").map(String.init)
        #expect(ids.count == 2 && ids.allSatisfy { $0.count == 64 }, "\(run.summary)")
        #expect(server.stats.meetingsCreated - before == 2)
        let errors = run.stderr.split(separator: "\n").map(String.init)
        #expect(errors.contains("line 3: user: User must exist"), "\(run.summary)")
        #expect(errors.contains("line 5: custom_data: not a JSON object"), "\(run.summary)")
        #expect(errors.contains("line 6: starts_at: please specify a start date"), "\(run.summary)")
        #expect(errors.last == "bulk-create: 2 created, 3 failed", "\(run.summary)")

        // The created meetings are the good rows, custom data included.
        let raw = try await RawSandbox(server)
        let second = try await raw.meeting(ids[1])
        #expect(second["user"] as? String == other)
        #expect(second["cobrowsing_url"] as? String == "https://shop.example.com/cart")
        let custom = second["custom_data"] as? [String: Any]
        #expect(custom?["crm_id"] as? Int == 42 && custom?["name"] as? String == "Phil, Jr.")
        #expect(try await raw.meeting(ids[0])["user"] as? String == user)
    }

    @Test func bulkCreateOfGoodRowsExitsZero() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start()
        defer { Task { await server.stop() } }
        let rows = server.presenters.prefix(3).enumerated().map { index, user in
            "https://shop.example.com/\(index),\(user),2030-06-0\(index + 1)T08:00:00Z"
        }
        // Columns in another order than documented, no custom_data column.
        let file = try home.script("good.csv", "cobrowsing_url,user,starts_at\r\n" + rows.joined(separator: "\r\n") + "\r\n")
        let before = server.stats.meetingsCreated
        let run = try await BinaryRun.coclickOffPool(
            ["run", Examples.path("bulk-create.lua"), file],
            environment: Examples.environment(home, server))
        #expect(run.status == 0, "\(run.summary)")
        #expect(run.stdout.split(separator: "\n").count == 3)
        #expect(server.stats.meetingsCreated - before == 3)
        #expect(run.stderr == "bulk-create: 3 created, 0 failed\n")
    }

    /// Excel's "CSV UTF-8": a byte order mark, CRLF, a quoted field over two lines. Each row is
    /// named by the line it starts on, as csv.decode numbers them.
    @Test func bulkCreateReadsExcelCSVAndNamesFileLines() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start()
        defer { Task { await server.stop() } }
        let user = try #require(server.presenters.first)
        let csv =
            "\u{FEFF}user,starts_at,cobrowsing_url,custom_data\r\n"
            + "\(user),2030-05-17T09:30:00Z,https://shop.example.com/,\"{\"\"note\"\": \"\"café\"\",\r\n \"\"n\"\": 2}\"\r\n"
            + "nobody@example.com,2030-05-17T10:00:00Z,https://shop.example.com/,\r\n"
        let file = try home.script("excel.csv", csv)
        let before = server.stats.meetingsCreated
        let run = try await BinaryRun.coclickOffPool(
            ["run", Examples.path("bulk-create.lua"), file],
            environment: Examples.environment(home, server))
        #expect(run.status == 1, "\(run.summary)")
        #expect(server.stats.meetingsCreated - before == 1)
        #expect(run.stderr == "line 4: user: User must exist\nbulk-create: 1 created, 1 failed\n", "\(run.summary)")
        let id = run.stdout.trimmingCharacters(in: .newlines)
        let created = try await RawSandbox(server).meeting(id)
        #expect(created["user"] as? String == user)
        let custom = created["custom_data"] as? [String: Any]
        #expect(custom?["note"] as? String == "café" && custom?["n"] as? Int == 2)
    }

    /// Latin-1 text is refused before anything is created, naming the line (it would otherwise be
    /// stored with U+FFFD in place of each accented letter).
    @Test func bulkCreateRefusesTextThatIsNotUTF8() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start()
        defer { Task { await server.stop() } }
        let user = try #require(server.presenters.first)
        var bytes = Array("user,starts_at,cobrowsing_url,custom_data\n\(user),2030-05-17T09:30:00Z,https://x.example/,\n".utf8)
        bytes += Array("\(user),2030-05-17T09:30:00Z,https://x.example/caf".utf8) + [0xE9] + Array(",\n".utf8)
        let file = home.root.appendingPathComponent("latin1.csv")
        try Data(bytes).write(to: file)
        let before = server.stats.meetingsCreated
        let run = try await BinaryRun.coclickOffPool(
            ["run", Examples.path("bulk-create.lua"), file.path],
            environment: Examples.environment(home, server))
        #expect(run.status == 2, "\(run.summary)")
        #expect(run.stderr.contains("csv.decode: line 3 is not UTF-8 text (byte 0xE9): save the file as UTF-8"), "\(run.summary)")
        #expect(run.stdout.isEmpty)
        #expect(server.stats.meetingsCreated == before)
    }

    @Test func bulkCreateStopsWhenCoClickIsUnreachable() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let port = try Examples.closedPort()
        let file = try home.script("one.csv", "user,starts_at,cobrowsing_url\nalice,2030-01-01T00:00:00Z,https://x.example/\n")
        let run = try BinaryRun.coclick(
            ["--base-url", "http://127.0.0.1:\(port)/api/v1", "run", Examples.path("bulk-create.lua"), file],
            environment: home.environment(["COCLICK_SECRET_ID": "id", "COCLICK_SECRET_KEY": "unused-key"]),
            timeout: .seconds(90))
        #expect(run.status == 5, "\(run.summary)")
        #expect(run.stderr.contains("bulk-create: stopped at line 2"), "\(run.summary)")
        #expect(run.stdout.isEmpty)
    }

    @Test func bulkCreateArgumentErrors() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let missing = home.root.appendingPathComponent("missing.csv").path
        for arguments in [[], [missing]] {
            let run = try BinaryRun.coclick(["run", Examples.path("bulk-create.lua")] + arguments, environment: home.environment())
            #expect(run.status == 2, "\(arguments): \(run.summary)")
            #expect(run.stderr.contains("usage: bulk-create.lua"))
        }
    }
}
