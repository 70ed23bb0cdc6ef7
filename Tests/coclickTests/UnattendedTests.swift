import CoClickSandbox
import CoClickSandboxTesting
import Foundation
import Testing

/// The options of unattended runs, through the binary: `--lock`, `--ping`, `--report`, and the
/// state that lasts between runs (`coclick.state`, `coclick.run.last_success`).
@Suite struct UnattendedTests {
    // MARK: --lock

    @Test func twoRunsOfOneLockAtOnceOneExitsSeventyFive() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let runtime = home.root.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: runtime, withIntermediateDirectories: true)
        let environment = home.environment(["XDG_RUNTIME_DIR": runtime.path])

        let holder = try RunningBinary(
            ["--lock", "nightly.digest", "eval", "print('holding'); io.stdout:flush(); io.read('a'); return 'done'"],
            environment: environment)
        #expect(holder.waitForOutput { stdout, _ in stdout.contains("holding") }, "\(holder.stderr)")

        let second = try BinaryRun.coclick(["--lock", "nightly.digest", "eval", "print('ran'); return 1"], environment: environment)
        #expect(second.status == 75, "\(second.summary)")
        #expect(second.stdout.isEmpty, "the script did not run: \(second.summary)")
        let lines = second.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("\"nightly.digest\""), "\(second.summary)")

        let waited = try BinaryRun.coclick(["--lock", "nightly.digest", "--lock-wait", "0.2", "eval", "return 1"], environment: environment)
        #expect(waited.status == 75, "\(waited.summary)")
        #expect(waited.stderr.contains("after waiting"), "\(waited.summary)")

        // Another lock name is another lock.
        let other = try BinaryRun.coclick(["--lock", "other", "eval", "return 2"], environment: environment)
        #expect(other.status == 0 && other.stdout == "2\n", "\(other.summary)")

        holder.closeInput()
        #expect(holder.finish() == 0, "\(holder.stderr)")
        #expect(holder.stdout.hasSuffix("\"done\"\n"), "\(holder.stdout)")
        #expect(FileManager.default.fileExists(atPath: runtime.path + "/coclick/locks/nightly.digest.lock"))

        // Released when its holder ended.
        let after = try BinaryRun.coclick(["--lock", "nightly.digest", "eval", "return 3"], environment: environment)
        #expect(after.status == 0 && after.stdout == "3\n", "\(after.summary)")
    }

    @Test func aKilledHolderLeavesNoLockAndTheCacheFolderServesWithoutRuntimeDir() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let environment = home.environment()
        let holder = try RunningBinary(
            ["--lock", "job", "eval", "print('holding'); io.stdout:flush(); io.read('a')"],
            environment: environment)
        #expect(holder.waitForOutput { stdout, _ in stdout.contains("holding") }, "\(holder.stderr)")
        #expect(FileManager.default.fileExists(atPath: home.cacheHome.path + "/coclick/locks/job.lock"))
        holder.kill(SIGKILL)
        #expect(holder.finish() == 128 + SIGKILL)
        let next = try BinaryRun.coclick(["--lock", "job", "eval", "return 4"], environment: environment)
        #expect(next.status == 0 && next.stdout == "4\n", "\(next.summary)")
    }

    @Test func badLockOptionsAreUsageErrors() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        for arguments in [["--lock", "a/b"], ["--lock", ""], ["--lock-wait", "3"], ["--lock", "x", "--lock-wait", "-1"]] {
            let run = try BinaryRun.coclick(arguments + ["eval", "return 1"], environment: home.environment())
            #expect(run.status == 2, "\(arguments): \(run.summary)")
        }
    }

    // MARK: coclick.run.last_success

    @Test func lastSuccessMovesOnlyOnExitZero() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let script = try home.script(
            "job.lua",
            """
            print(coclick.run.last_success or "nil")
            local how = ...
            if how == "error" then error("failing on purpose") end
            if how == "exit3" then os.exit(3) end
            if how == "exit0" then os.exit(0) end

            """)
        func run(_ how: String) throws -> (status: Int32, printed: String, before: Double, after: Double) {
            let before = Date().timeIntervalSince1970
            let result = try BinaryRun.coclick(["run", script, how], environment: home.environment())
            let after = Date().timeIntervalSince1970
            return (result.status, result.stdout.trimmingCharacters(in: .whitespacesAndNewlines), before, after)
        }
        let first = try run("ok")
        #expect(first.status == 0 && first.printed == "nil")
        let second = try run("error")
        #expect(second.status == 1)
        let recorded = try #require(Double(second.printed), "\(second.printed)")
        // The start of the first run.
        #expect(recorded >= first.before - 1 && recorded <= first.after)
        let third = try run("exit3")
        #expect(third.status == 3 && third.printed == second.printed, "a failed run does not move it")
        let fourth = try run("exit0")
        #expect(fourth.status == 0 && fourth.printed == second.printed)
        let fifth = try run("ok")
        let moved = try #require(Double(fifth.printed))
        #expect(moved > recorded && moved >= fourth.before - 1 && moved <= fourth.after, "os.exit(0) is a success")

        // --state NAME is a namespace of its own, shared by every run that names it.
        let named = try BinaryRun.coclick(["--state", "digest", "eval", "return coclick.run.last_success"], environment: home.environment())
        #expect(named.status == 0 && named.stdout == "nil\n", "\(named.summary)")
        let again = try BinaryRun.coclick(["--state", "digest", "eval", "return type(coclick.run.last_success)"], environment: home.environment())
        #expect(again.stdout == "\"number\"\n", "\(again.summary)")
        let plainEval = try BinaryRun.coclick(["eval", "return coclick.run.last_success"], environment: home.environment())
        #expect(plainEval.status == 0 && plainEval.stdout == "nil\n", "eval has no namespace: \(plainEval.summary)")
    }

    // MARK: coclick.state

    @Test func stateLastsBetweenRunsOneNamespacePerScript() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let writer = try home.script(
            "writer.lua",
            """
            coclick.state.set("seen", {count = 3, ids = {"a", "b"}, nested = {ok = true, none = json.null}})
            coclick.state.set("gone", 1)
            coclick.state.delete("gone")
            coclick.state.set("also gone", "x")
            coclick.state.set("also gone", nil)

            """)
        let reader = "print(json.encode(coclick.state.get('seen')), coclick.state.get('gone'), coclick.state.get('also gone'))\n"
        #expect(try BinaryRun.coclick(["run", writer], environment: home.environment()).status == 0)
        // The same file, another script: a run of writer.lua reads what it kept.
        let rewritten = try home.script("writer.lua", reader)
        let read = try BinaryRun.coclick(["run", rewritten], environment: home.environment())
        #expect(read.status == 0, "\(read.summary)")
        let fields = read.stdout.split(separator: "\t").map(String.init)
        let value = try #require(fields.first.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        #expect(value["count"] as? Int == 3)
        #expect(value["ids"] as? [String] == ["a", "b"])
        #expect((value["nested"] as? [String: Any])?["none"] is NSNull)
        #expect(fields.dropFirst().map { $0.trimmingCharacters(in: .newlines) } == ["nil", "nil"])

        // Another script does not see it.
        let other = try home.script("other.lua", reader)
        let elsewhere = try BinaryRun.coclick(["run", other], environment: home.environment())
        #expect(elsewhere.stdout.hasPrefix("null\tnil"), "\(elsewhere.summary)")

        let database = home.stateHome.path + "/coclick/state.db"
        #expect((try FileManager.default.attributesOfItem(atPath: database)[.posixPermissions] as? Int) == 0o600)
        #expect((try FileManager.default.attributesOfItem(atPath: home.stateHome.path + "/coclick")[.posixPermissions] as? Int) == 0o700)
    }

    @Test func stateNeedsANamespaceAndJSONValues() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let noNamespace = try BinaryRun.coclick(["eval", "coclick.state.set('k', 1)"], environment: home.environment())
        #expect(noNamespace.status == 3, "\(noNamespace.summary)")
        #expect(noNamespace.stderr.contains("--state NAME"), "\(noNamespace.summary)")
        let caught = try BinaryRun.coclick(
            ["--state", "s", "eval", "local ok, e = pcall(coclick.state.set, 'k', print); return ok, tostring(e)"],
            environment: home.environment())
        #expect(caught.stdout.hasPrefix("false\n"), "\(caught.summary)")
        #expect(caught.stdout.contains("bad argument #2"), "\(caught.summary)")
        let named = try BinaryRun.coclick(
            ["--state", "s", "eval", "coclick.state.set('k', 'v'); return coclick.state.get('k')"],
            environment: home.environment())
        #expect(named.stdout == "\"v\"\n", "\(named.summary)")
    }

    @Test func concurrentRunsWriteSafely() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let writer = try home.script(
            "many.lua",
            """
            local who = ...
            for i = 1, 25 do coclick.state.set(who .. ":" .. i, {i = i}) end

            """)
        let runs = (0..<6).map { index in
            try? RunningBinary(["run", writer, "w\(index)"], environment: home.environment())
        }
        for run in runs {
            let running = try #require(run)
            #expect(running.finish() == 0, "\(running.stderr)")
        }
        let check = try home.script(
            "many.lua",
            """
            local missing = 0
            for w = 0, 5 do for i = 1, 25 do
              local v = coclick.state.get("w" .. w .. ":" .. i)
              if not v or v.i ~= i then missing = missing + 1 end
            end end
            print(missing)

            """)
        let counted = try BinaryRun.coclick(["run", check], environment: home.environment())
        #expect(counted.status == 0 && counted.stdout == "0\n", "\(counted.summary)")
    }

    // MARK: --ping

    @Test func pingSendsStartThenStatusWithTheStandardErrorTail() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let receiver = try await PingReceiver.start()
        defer { Task { await receiver.stop() } }
        let secret = "s3cr3t-key-\(UUID().uuidString)"
        let environment = home.environment(["COCLICK_SECRET_ID": "id", "COCLICK_SECRET_KEY": secret])

        let good = try await BinaryRun.coclickOffPool(
            ["--ping", receiver.url, "eval", "io.stderr:write('step one\\n'); os.execute('echo from a child >&2'); return 1"],
            environment: environment)
        #expect(good.status == 0, "\(good.summary)")
        var pings = receiver.pings
        #expect(pings.map(\.method) == ["GET", "POST"], "\(pings)")
        #expect(pings.first?.path == "/ping/check-uuid/start")
        #expect(pings.last?.path == "/ping/check-uuid")
        #expect(pings.last?.body == "step one\nfrom a child\n", "a child's standard error counts too")
        #expect(good.stderr == "step one\nfrom a child\n", "and still reaches standard error")

        let failing = try await BinaryRun.coclickOffPool(
            [
                "--ping", receiver.url, "eval",
                "io.stderr:write(string.rep('x', 20000) .. '\\n' .. os.getenv('COCLICK_SECRET_KEY') .. '\\n'); error('broke here')",
            ],
            environment: environment)
        #expect(failing.status == 1, "\(failing.summary)")
        pings = receiver.pings
        #expect(pings.count == 4 && pings[2].path == "/ping/check-uuid/start", "\(pings.map(\.path))")
        let last = try #require(pings.last)
        #expect(last.method == "POST" && last.path == "/ping/check-uuid/1")
        #expect(last.body.utf8.count <= 10 * 1024 && last.body.utf8.count > 1024)
        #expect(last.body.contains("broke here"))
        #expect(!last.body.contains(secret), "the tail is redacted")
        #expect(failing.stderr.contains(String(repeating: "x", count: 20000)), "standard error itself is whole")

        let exited = try await BinaryRun.coclickOffPool(["--ping", receiver.url + "/", "eval", "os.exit(7)"], environment: environment)
        #expect(exited.status == 7)
        #expect(receiver.pings.last?.path == "/ping/check-uuid/7")
    }

    @Test func aForcedExitStillPingsAndReports() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let receiver = try await PingReceiver.start()
        defer { Task { await receiver.stop() } }
        let reportPath = home.root.appendingPathComponent("report.json").path
        // A script that swallows the interrupt: the run guard ends the process itself.
        let run = try await BinaryRun.coclickOffPool(
            [
                "--timeout", "1", "--ping", receiver.url, "--report", reportPath, "eval",
                "while true do pcall(function() while true do end end) end",
            ],
            environment: home.environment())
        #expect(run.status == 124, "\(run.summary)")
        #expect(run.stderr.contains("forced exit"), "\(run.summary)")
        let last = try #require(receiver.pings.last)
        #expect(last.path == "/ping/check-uuid/124" && last.body.contains("forced exit"), "\(receiver.pings)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reportPath))) as? [String: Any])
        #expect(report["exit_status"] as? Int == 124)
        #expect((report["error"] as? String)?.contains("forced exit") == true, "\(report)")
    }

    @Test func aFailingPingIsAWarningOnly() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let port = try Examples.closedPort()
        let run = try BinaryRun.coclick(["--ping", "http://127.0.0.1:\(port)/ping/uuid", "eval", "return 5"], environment: home.environment())
        #expect(run.status == 0, "\(run.summary)")
        #expect(run.stdout == "5\n")
        #expect(run.stderr.contains("warning: --ping"), "\(run.summary)")
        #expect(!run.stderr.contains("/ping/uuid"), "the URL's path (its secret) is not shown: \(run.summary)")
    }

    // MARK: --report

    @Test func reportSummarizesTheRun() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start()
        defer { Task { await server.stop() } }
        let total = try await TestSandbox.meetingCount(server)
        server.setFaults(try FaultPlan(parsing: "503=x1"))
        let user = try #require(server.presenters.first)
        let script = try home.script(
            "work.lua",
            """
            local all = coclick.meetings.all{per = 25}
            coclick.meetings.get(all[1].id)
            coclick.meetings.create{user = "\(user)", starts_at = "2031-03-04T05:06:07Z", cobrowsing_url = "https://shop.example.com/"}
            print(#all)

            """)
        let reportPath = home.root.appendingPathComponent("report.json").path
        // One page read ahead (--max-concurrency 1): a wider window may also fetch pages past the
        // end, which the report counts too, and how many depends on timing.
        let run = try await BinaryRun.coclickOffPool(
            ["--report", reportPath, "--max-concurrency", "1", "run", script],
            environment: Examples.environment(home, server))
        #expect(run.status == 0, "\(run.summary)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reportPath))) as? [String: Any])
        #expect(
            Set(report.keys) == [
                "started_at", "finished_at", "duration_ms", "exit_status", "requests", "retries", "pages",
                "meetings_read", "meetings_created", "bytes_received", "error",
            ])
        let pages = total / 25 + 1
        #expect(report["exit_status"] as? Int == 0)
        #expect(report["pages"] as? Int == pages, "\(report)")
        #expect(report["meetings_read"] as? Int == total + 1, "\(report)")
        #expect(report["meetings_created"] as? Int == 1)
        #expect(report["retries"] as? Int == 1, "the injected 503 was retried: \(report)")
        // Authentication, the pages, the retry, the get and the create.
        #expect(report["requests"] as? Int == 1 + pages + 1 + 1 + 1, "\(report)")
        #expect((report["bytes_received"] as? Int ?? 0) > 1000)
        #expect(report["error"] is NSNull)
        let started = try #require(report["started_at"] as? String), finished = try #require(report["finished_at"] as? String)
        #expect(started.hasSuffix("Z") && started <= finished)
        #expect((report["duration_ms"] as? Int ?? -1) >= 0)

        let failing = try BinaryRun.coclick(
            ["--report", reportPath, "eval", "error('nope: ' .. os.getenv('COCLICK_SECRET_KEY'))"],
            environment: Examples.environment(home, server))
        #expect(failing.status == 1)
        let failed = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reportPath))) as? [String: Any])
        #expect(failed["exit_status"] as? Int == 1)
        let message = try #require(failed["error"] as? String)
        #expect(message.contains("nope: ") && !message.contains(server.secretKey), "\(message)")
        #expect(failed["requests"] as? Int == 0)
    }

    @Test func anUnwritableReportOfASuccessfulRunIsSeventyFour() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let path = home.root.appendingPathComponent("no/such/folder/report.json").path
        let run = try BinaryRun.coclick(["--report", path, "eval", "return 1"], environment: home.environment())
        #expect(run.status == 74, "\(run.summary)")
        #expect(run.stderr.contains("report"), "\(run.summary)")
    }
}
