import Foundation
import Testing

/// A server that echoes the key and the bearer token back in its error bodies (a 422 on
/// /authenticate and on create, a 400, a 404), against every command: run, eval, auth
/// login/status, the REPL on a terminal, with -v traces. Neither value may appear in any output
/// stream nor in any file coclick writes (except the key in config.toml's secret_key field and
/// the token in its cache file, where they belong). The server runs in this process: the binary
/// runs off the concurrency pool, which the server needs.
@Suite(.serialized) struct SecretsEchoTests {
    static let key = String(repeating: "c0ffee42", count: 8)
    static let wrongKey = String(repeating: "badc0de5", count: 8)
    /// Not JWT-shaped: the generic JWT scrubbing must not be what hides it.
    static let token = "Tk" + String(repeating: "9b1d", count: 10) + "x"
    static let secretID = "e89a00000000000000000000000000b3"

    /// Echoes what it can: the key it was sent (or knows), the Authorization header.
    static func echo(_ request: LoopbackAPI.Request) -> LoopbackAPI.Reply {
        let bearer = request.authorization ?? "none"
        func json(_ value: Any) -> String {
            String(decoding: (try? JSONSerialization.data(withJSONObject: value)) ?? Data(), as: UTF8.self)
        }
        switch (request.method, request.path) {
        case ("POST", "/api/v1/authenticate"):
            let sent = (try? JSONSerialization.jsonObject(with: request.body) as? [String: Any])?["secret_key"] as? String ?? ""
            guard sent == key else {
                return .init(status: 422, body: json(["errors": ["secret_key": ["\(sent) is not valid"], sent: ["unknown"]]]))
            }
            return .init(status: 200, body: json(["token": token, "expires_at": "2099-01-01T00:00:00.000Z", "company": "Echo Co"]))
        case ("GET", "/api/v1/meetings"):
            return .init(status: 400, body: json(["error": "bad page for \(bearer) with key \(key)"]))
        case ("POST", "/api/v1/meetings"):
            return .init(
                status: 422,
                body: json([
                    "errors": [
                        "user": ["\(token) must exist"], key: ["is not a field"],
                        "starts_at": ["key \(key)"],
                    ]
                ]))
        default:
            return .init(status: 404, body: json(["message": "nothing here for \(bearer), key=\(key)"]))
        }
    }

    static let script = """
        local calls = {
          function() return coclick.meetings.list{} end,
          function() return coclick.meetings.get(string.rep("a", 64)) end,
          function() return coclick.meetings.create{user = "x@example.com", starts_at = "2030-01-01T10:00:00Z"} end,
        }
        for _, call in ipairs(calls) do
          local ok, err = pcall(call)
          assert(not ok and type(err) == "table", "the echo server fails every call")
          print(tostring(err)); print(err.message); print(json.encode(err.errors or {})); pp(err)
          log.warn("caught:", tostring(err))
        end
        error(select(2, pcall(calls[3])))
        """

    @Test func echoedSecretsReachNoOutputNorFile() async throws {
        let server = try await LoopbackAPI.start(Self.echo)
        defer { Task { await server.stop() } }
        let homes = try (0..<3).map { _ in try IsolatedHome() }
        defer { homes.forEach { $0.remove() } }
        var outputs: [(label: String, text: String)] = []
        func record(_ label: String, _ run: BinaryRun) {
            outputs += [("\(label) stdout", run.stdout), ("\(label) stderr", run.stderr)]
        }

        // 1. The key pair in the environment: a script, eval, a wrong key (echoed by /authenticate).
        let pair = ["COCLICK_BASE_URL": server.baseURL, "COCLICK_SECRET_ID": Self.secretID, "COCLICK_SECRET_KEY": Self.key]
        let envHome = homes[0]
        var run = try await BinaryRun.coclickOffPool(
            ["-v", "run", try envHome.script("echo.lua", Self.script)],
            environment: envHome.environment(pair))
        #expect(run.status == 1, "\(run.summary)")
        // The errors did arrive, scrubbed rather than dropped.
        #expect(run.stdout.contains("user: [REDACTED] must exist"), "\(run.summary)")
        #expect(run.stdout.contains("with key [REDACTED]"), "\(run.summary)")
        record("env run", run)
        run = try await BinaryRun.coclickOffPool(["-v", "eval", "return coclick.meetings.get('x')"], environment: envHome.environment(pair))
        #expect(run.status != 0, "\(run.summary)")
        #expect(run.stderr.contains("Bearer [REDACTED]"), "\(run.summary)")
        record("env eval", run)
        run = try await BinaryRun.coclickOffPool(
            ["-v", "eval", "return coclick.auth()"],
            environment: envHome.environment(
                pair.merging(
                    // A cache of its own: the token cached above would spare the authentication.
                    ["COCLICK_SECRET_KEY": Self.wrongKey, "XDG_CACHE_HOME": envHome.root.path + "/cache-wrong"]) { $1 }))
        #expect(run.status != 0, "\(run.summary)")
        #expect(run.stderr.contains("[REDACTED] is not valid"), "\(run.summary)")
        record("env wrong key", run)

        // 2. auth login (a wrong key first), status, a run with the stored profile.
        let loginHome = homes[1]
        let login = ["-v", "auth", "login", "--base-url", server.baseURL, "--secret-id", Self.secretID]
        run = try await BinaryRun.coclickOffPool(login, stdin: Self.wrongKey + "\n", environment: loginHome.environment())
        #expect(run.status != 0, "\(run.summary)")
        record("login wrong key", run)
        run = try await BinaryRun.coclickOffPool(login, stdin: Self.key + "\n", environment: loginHome.environment())
        #expect(run.status == 0, "\(run.summary)")
        record("login", run)
        run = try await BinaryRun.coclickOffPool(["-v", "auth", "status"], environment: loginHome.environment())
        #expect(run.status == 0, "\(run.summary)")
        record("status", run)
        run = try await BinaryRun.coclickOffPool(
            ["-v", "--json", "run", try loginHome.script("echo.lua", Self.script)],
            environment: loginHome.environment())
        #expect(run.status == 1, "\(run.summary)")
        record("profile run", run)

        // 3. The REPL, the key from secret_key_command: a line holding the key typed before any
        // API call, the key printed, raised in an error; then API errors echoing both.
        let replHome = homes[2]
        let keyFile = try replHome.script("key.txt", Self.key + "\n")
        try Self.writeConfig(
            in: replHome,
            """
            [profiles.default]
            base_url = "\(server.baseURL)"
            secret_id = "\(Self.secretID)"
            secret_key_command = "cat \(keyFile)"

            """)
        let typed = "k = \"\(Self.key)\""
        let environment = replHome.environment(["TERM": "dumb"])
        // Each expect fails (throws) unless coclick printed the scrubbed text.
        let (screen, status) = try await offPool { () throws -> (String, Int32) in
            let terminal = try PseudoTerminal(["-v"], environment: environment)
            try terminal.expect("default> ")
            terminal.send(typed + "\r")
            try terminal.expect("default> ")
            terminal.send("k\r")
            try terminal.expect("[REDACTED]")
            terminal.send("error(\"boom \" .. k)\r")
            try terminal.expect("boom [REDACTED]")
            terminal.send("coclick.meetings.create{user = 'x@example.com', starts_at = '2030-01-01T10:00:00Z'}\r")
            try terminal.expect("must exist")
            terminal.send("coclick.meetings.get('x')\r")
            try terminal.expect("Bearer [REDACTED]")
            terminal.send("\u{4}")
            let status = try terminal.waitForExit()
            return (terminal.output, status)
        }
        #expect(status == 0)
        // The terminal echoes what was typed; what coclick printed is the rest.
        outputs.append(("REPL", screen.replacingOccurrences(of: typed, with: "<typed>")))

        let secrets = [("key", Self.key), ("wrong key", Self.wrongKey), ("token", Self.token)]
        for (label, text) in outputs {
            for (what, secret) in secrets {
                #expect(!text.contains(secret), "\(what) in \(label):\n\(text)")
            }
        }
        // Files: history, cache, config; the key only in config.toml's secret_key line, the
        // token only in its cache file.
        var scanned = 0
        for home in homes {
            for directory in [home.cacheHome, home.configHome, home.stateHome] {
                for path in regularFiles(under: directory) {
                    guard var text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
                    scanned += 1
                    if path.hasSuffix("/config.toml") {
                        text = text.split(separator: "\n").filter { !$0.hasPrefix("secret_key =") }.joined(separator: "\n")
                    }
                    let isTokenCache = path.contains("/token-") && path.hasSuffix(".json")
                    for (what, secret) in secrets where !(what == "token" && isTokenCache) {
                        #expect(!text.contains(secret), "\(what) in \(path)")
                    }
                }
            }
        }
        let history = replHome.stateHome.appendingPathComponent("coclick/history").path
        #expect(FileManager.default.fileExists(atPath: history), "the REPL kept a history")
        #expect(scanned >= 4, "config, caches and history were scanned")
    }

    /// A short key hides only itself, never letters inside other words.
    @Test func aShortKeyIsHiddenOnlyWhole() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let run = try BinaryRun.coclick(
            ["eval", "return 'coclick k kind'"],
            environment: home.environment(["COCLICK_SECRET_ID": "id", "COCLICK_SECRET_KEY": "k"]))
        #expect(run.status == 0, "\(run.summary)")
        #expect(run.stdout.contains("coclick [REDACTED] kind"), "\(run.summary)")
    }

    static func writeConfig(in home: IsolatedHome, _ text: String) throws {
        let directory = home.configHome.appendingPathComponent("coclick")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = directory.appendingPathComponent("config.toml")
        try text.write(to: config, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: config.path)
    }
}
