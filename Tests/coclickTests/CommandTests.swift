import CoClickSandbox
import CoClickSandboxTesting
import Foundation
import Testing

/// The command surface, run through the built binary in a bare, isolated environment.
@Suite struct CommandTests {
    @Test func sandboxEvalPrintsTheSandboxsMeetingCount() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start()
        let expected = try await TestSandbox.meetingCount(server)
        await server.stop()
        #expect(expected > 0)

        let run = try await BinaryRun.coclickOffPool(
            ["--sandbox", "eval", "return #coclick.meetings.all{}"],
            environment: home.environment())
        #expect(run.status == 0, "\(run.summary)")
        #expect(run.stdout == "\(expected)\n")
    }

    @Test func globalOptionsGoBeforeOrAfterTheCommand() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let code = "return coclick.auth().company ~= nil, 1 + 1"
        for arguments in [
            ["--sandbox", "--json", "eval", code], ["eval", "--sandbox", "--json", code],
            ["eval", code, "--json", "--sandbox"],
        ] {
            let run = try BinaryRun.coclick(arguments, environment: home.environment())
            #expect(run.status == 0, "\(arguments): \(run.summary)")
            #expect(run.stdout == "true\n2\n", "\(arguments)")
        }
    }

    @Test func runPassesArgumentsAsLuaDoes() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let path = try home.script(
            "args.lua",
            """
            #!/usr/bin/env -S coclick run
            local a, b, c = ...
            print(arg[0], #arg, arg[1], arg[2], arg[3], a, b, c, select("#", ...))
            """)
        let run = try BinaryRun.coclick(["run", path, "--foo", "-v", "x y"], environment: home.environment())
        #expect(run.status == 0, "\(run.summary)")
        #expect(run.stdout == "\(path)\t3\t--foo\t-v\tx y\t--foo\t-v\tx y\t3\n")
        #expect(run.stderr.isEmpty, "-v after FILE belongs to the script, not to coclick: \(run.stderr)")
    }

    @Test func runWithGlobalOptionsBeforeTheFile() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let path = try home.script("count.lua", "print(#coclick.meetings.all{}, ...)\n")
        let run = try BinaryRun.coclick(["run", "--sandbox", "-q", path, "--sandbox"], environment: home.environment())
        #expect(run.status == 0, "\(run.summary)")
        let fields = run.stdout.split(separator: "\t").map(String.init)
        #expect(fields.count == 2 && Int(fields[0]) ?? 0 > 0 && fields[1] == "--sandbox\n", "\(run.summary)")
    }

    @Test func shebangScriptRunsDirectly() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let path = try home.script("hello.lua", "#!/usr/bin/env -S coclick run\nprint('hello', ...)\n", executable: true)
        // env -S finds coclick on PATH.
        let binDirectory = BuiltBinary.url.deletingLastPathComponent().path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["world"]
        process.environment = home.environment(["PATH": "\(binDirectory):/usr/bin:/bin"])
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(String(decoding: data, as: UTF8.self) == "hello\tworld\n")
    }

    @Test func runReadsTheScriptFromStandardInputWithDash() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let run = try BinaryRun.coclick(
            ["run", "-", "a", "b"], stdin: "#!ignored\nprint(arg[0], ...)\n",
            environment: home.environment())
        #expect(run.status == 0, "\(run.summary)")
        #expect(run.stdout == "-\ta\tb\n")
    }

    @Test func bareCommandRunsAChunkFromStandardInput() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let run = try BinaryRun.coclick(
            [], stdin: "local t = {} for i = 1, 3 do t[i] = i * i end print(table.concat(t, ','))\n",
            environment: home.environment())
        #expect(run.status == 0, "\(run.summary)")
        #expect(run.stdout == "1,4,9\n")
    }

    @Test func dashEEvaluatesAndPrintsEachValueOnALine() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let run = try BinaryRun.coclick(["-e", "return 1, 'two', {3}"], environment: home.environment())
        #expect(run.status == 0, "\(run.summary)")
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 4, "\(run.summary)")
        #expect(lines.first == "1")
        #expect(lines.dropFirst().first?.contains("two") == true)
        #expect(lines.dropFirst(2).first?.contains("3") == true)
    }

    @Test func jsonPrintsResultsAsJSON() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let run = try BinaryRun.coclick(
            ["eval", "--json", "return {name = 'x', list = {1, 2}}, 'a\"b', nil"],
            environment: home.environment())
        #expect(run.status == 0, "\(run.summary)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(run.summary)")
        let first = try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: Any]
        #expect(first?["name"] as? String == "x")
        #expect(first?["list"] as? [Int] == [1, 2])
        #expect(lines.dropFirst().first == #""a\"b""#)
        #expect(lines.last == "null")
    }

    @Test func uncaughtErrorShowsFileLineAndTraceback() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let path = try home.script("boom.lua", "local function f()\n  error('boom')\nend\nf()\n")
        let run = try BinaryRun.coclick(["run", path], environment: home.environment())
        #expect(run.status == 1, "\(run.summary)")
        // Lua shortens a long chunk name from the left, as lua5.4 does.
        #expect(run.stderr.hasPrefix("coclick: "), "\(run.summary)")
        #expect(run.stderr.contains("boom.lua:2: boom\n"), "\(run.summary)")
        #expect(run.stderr.contains("stack traceback:"))
        #expect(run.stdout.isEmpty)
    }

    @Test func uncaughtAPIErrorPrintsItsTostring() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let run = try BinaryRun.coclick(
            ["--sandbox", "eval", "return coclick.meetings.get(string.rep('0', 64))"],
            environment: home.environment())
        #expect(run.status == 1, "\(run.summary)")
        #expect(run.stderr.hasPrefix("coclick: CoClick 404"), "\(run.summary)")
    }

    @Test func worksInABareEnvironment() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let environment = home.environment()
        #expect(environment["TERM"] == nil && environment["USER"] == nil)
        let run = try BinaryRun.coclick(["--sandbox", "-e", "return coclick.auth().company"], environment: environment)
        #expect(run.status == 0, "\(run.summary)")
        #expect(!run.stdout.isEmpty)
        // Nothing written outside the isolated home: no config, and --sandbox caches no token.
        #expect(!FileManager.default.fileExists(atPath: home.configHome.path))
    }

    @Test func versionAndCompletion() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let version = try BinaryRun.coclick(["--version"], environment: home.environment())
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("coclick "), "\(version.summary)")

        let completion = try BinaryRun.coclick(["--generate-completion-script", "bash"], environment: home.environment())
        #expect(completion.status == 0, "\(completion.summary)")
        #expect(completion.stdout.contains("complete") && completion.stdout.contains("--sandbox"))
        #expect(completion.stdout.contains("eval") && completion.stdout.contains("run"))
    }

    @Test func verboseTracesRequestsWithoutSecrets() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start()
        defer { Task { await server.stop() } }
        let environment = home.environment([
            "COCLICK_BASE_URL": server.baseURL, "COCLICK_SECRET_ID": server.secretID, "COCLICK_SECRET_KEY": server.secretKey,
        ])
        let run = try await BinaryRun.coclickOffPool(
            ["-v", "eval", "coclick.meetings.all{} ; error(coclick.auth().company)"],
            environment: environment)
        #expect(run.status == 1, "\(run.summary)")
        let traces = run.stderr.split(separator: "\n").filter { $0.contains("http") && $0.contains("->") }
        #expect(traces.contains { $0.contains("POST") && $0.contains("/authenticate") }, "\(run.summary)")
        #expect(traces.contains { $0.contains("GET") && $0.contains("/meetings") }, "\(run.summary)")
        #expect(!run.stderr.contains(server.secretKey))
        #expect(!run.stdout.contains(server.secretKey))
        // The token is in the cache file; it must not be in the trace.
        let cache = home.cacheHome.appendingPathComponent("coclick")
        let files = try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasSuffix(".json") }
        let file = try #require(files.count == 1 ? files.first : nil, "one cached token: \(files)")
        let cached = try JSONSerialization.jsonObject(with: Data(contentsOf: cache.appendingPathComponent(file))) as? [String: Any]
        let token = try #require(cached?["token"] as? String)
        #expect(!run.stderr.contains(token))
        let attributes = try FileManager.default.attributesOfItem(atPath: cache.appendingPathComponent(file).path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
}

func luaString(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}
