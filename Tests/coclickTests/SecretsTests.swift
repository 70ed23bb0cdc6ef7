import Foundation
import Testing

/// No secret anywhere: across the ways a key reaches coclick (environment, `auth login` into
/// config.toml, `secret_key_command`), with `-v` tracing, error paths, `auth status` and a REPL
/// session, neither the secret key nor any bearer token appears in what the runs printed, nor
/// in the files coclick writes, except where it must be: config.toml's `secret_key` field
/// (login stored it there) and the token cache file's token.
@Suite struct SecretsTests {
    /// Everything the runs printed, by run, for the scan and for failure messages.
    private final class Outputs {
        var texts: [(label: String, text: String)] = []
        func add(_ label: String, _ run: BinaryRun) {
            texts.append(("\(label) stdout", run.stdout))
            texts.append(("\(label) stderr", run.stderr))
        }
    }

    @Test func noSecretInOutputsOrFiles() throws {
        let sandboxHome = try IsolatedHome()
        defer { sandboxHome.remove() }
        let sandbox = try SandboxProcess(arguments: ["--faults", "token_ttl=90s"], environment: sandboxHome.environment())
        defer { sandbox.stop() }
        let baseURL = try #require(sandbox.variables["COCLICK_BASE_URL"])
        let secretID = try #require(sandbox.variables["COCLICK_SECRET_ID"])
        let secretKey = try #require(sandbox.variables["COCLICK_SECRET_KEY"])
        let wrongKey = String(repeating: "5eC7", count: 16)
        let outputs = Outputs()
        let homes = try (0..<3).map { _ in try IsolatedHome() }
        defer { homes.forEach { $0.remove() } }

        // A script that uses the API, logs, and catches and logs an API error.
        let script = """
            local all = coclick.meetings.all{per = 25}
            local auth = coclick.auth()
            log.info("listed", #all, "for", auth.company)
            local ok, err = pcall(coclick.meetings.get, string.rep("0", 64))
            log.warn("expected failure:", tostring(err), err.kind)
            print(json.encode(all[1]))
            pp(auth)
            """

        // 1. The key pair in the environment, -v on; a success, an error path, a rejected key.
        let envHome = homes[0]
        let envPath = try envHome.script("use.lua", script)
        let pairEnvironment = envHome.environment(sandbox.variables)
        var run = try BinaryRun.coclick(["-v", "run", envPath], environment: pairEnvironment)
        #expect(run.status == 0, "\(run.summary)")
        outputs.add("env run", run)
        run = try BinaryRun.coclick(
            ["-v", "eval", "coclick.meetings.all{}; return coclick.meetings.get('nope')"],
            environment: pairEnvironment)
        #expect(run.status == 1, "\(run.summary)")
        outputs.add("env 404", run)
        run = try BinaryRun.coclick(["-v", "eval", "error(coclick.auth())"], environment: pairEnvironment)
        #expect(run.status == 1, "\(run.summary)")
        outputs.add("env error(table)", run)
        // (A cache of its own: the token cached above would spare this run the authentication.)
        let wrongCache = envHome.root.appendingPathComponent("cache-wrong").path
        run = try BinaryRun.coclick(
            ["-v", "eval", "return coclick.auth()"],
            environment: envHome.environment(
                sandbox.variables.merging(
                    ["COCLICK_SECRET_KEY": wrongKey, "XDG_CACHE_HOME": wrongCache]) { _, new in new }))
        #expect(run.status == 4, "\(run.summary)")
        outputs.add("env wrong key", run)

        // 2. `auth login` from standard input into config.toml; status, scripts, a REPL session.
        let loginHome = homes[1]
        let loginEnvironment = loginHome.environment()
        run = try BinaryRun.coclick(
            ["-v", "auth", "login", "--profile", "work", "--base-url", baseURL, "--secret-id", secretID],
            stdin: secretKey + "\n", environment: loginEnvironment)
        #expect(run.status == 0, "\(run.summary)")
        outputs.add("login", run)
        run = try BinaryRun.coclick(["-v", "auth", "status", "--profile", "work"], environment: loginEnvironment)
        #expect(run.status == 0, "\(run.summary)")
        outputs.add("status", run)
        let loginPath = try loginHome.script("use.lua", script)
        run = try BinaryRun.coclick(["-v", "--profile", "work", "run", loginPath], environment: loginEnvironment)
        #expect(run.status == 0, "\(run.summary)")
        outputs.add("profile run", run)
        run = try BinaryRun.coclick(
            ["--profile", "work", "--json", "eval", "return coclick.auth(), coclick.meetings.list{per = 2}"],
            environment: loginEnvironment)
        #expect(run.status == 0, "\(run.summary)")
        outputs.add("profile eval --json", run)
        let terminal = try PseudoTerminal(["-v", "--profile", "work"], environment: loginEnvironment.merging(["TERM": "dumb"]) { _, new in new })
        try terminal.expect("work> ")
        terminal.send("coclick.auth()\r")
        try terminal.expect("expires_at")
        terminal.send("#coclick.meetings.all{}\r")
        try terminal.expect("work> ")
        terminal.send("coclick.meetings.get('nope')\r")
        try terminal.expect("work> ")
        terminal.send("\u{4}")
        #expect(try terminal.waitForExit() == 0)
        outputs.texts.append(("REPL terminal", terminal.output))

        // 3. The key from secret_key_command; the key file lives outside coclick's directories.
        let commandHome = homes[2]
        let keyFile = try commandHome.script("key.txt", secretKey + "\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
        let configDirectory = commandHome.configHome.appendingPathComponent("coclick")
        try FileManager.default.createDirectory(at: configDirectory, withIntermediateDirectories: true)
        let config = configDirectory.appendingPathComponent("config.toml")
        try """
        [profiles.default]
        base_url = "\(baseURL)"
        secret_id = "\(secretID)"
        secret_key_command = "cat \(keyFile)"

        """.write(to: config, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: config.path)
        let commandPath = try commandHome.script("use.lua", script)
        run = try BinaryRun.coclick(["-v", "run", commandPath], environment: commandHome.environment())
        #expect(run.status == 0, "\(run.summary)")
        outputs.add("secret_key_command run", run)
        run = try BinaryRun.coclick(["-v", "auth", "status"], environment: commandHome.environment())
        #expect(run.status == 0, "\(run.summary)")
        outputs.add("secret_key_command status", run)

        // The tokens issued: read from the cache files, where they legitimately are.
        var tokens: Set<String> = []
        var cacheFiles: Set<String> = []
        for home in homes {
            let cache = home.cacheHome.appendingPathComponent("coclick")
            for name in (try? FileManager.default.contentsOfDirectory(atPath: cache.path)) ?? [] where name.hasSuffix(".json") {
                let path = cache.appendingPathComponent(name).path
                let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
                if let token = object?["token"] as? String, token.count >= 16 { tokens.insert(token) }
                cacheFiles.insert(path)
            }
        }
        #expect(tokens.count >= 2, "each home cached its token: \(tokens.count)")
        #expect(!outputs.texts.allSatisfy { $0.text.isEmpty })

        let secrets = [("secret key", secretKey), ("wrong key", wrongKey)] + tokens.map { ("token", $0) }
        for (label, text) in outputs.texts {
            for (what, secret) in secrets {
                #expect(!text.contains(secret), "\(what) in \(label):\n\(text)")
            }
        }

        // Files: the cache (tokens only in their cache file), config (the key only in
        // config.toml's secret_key field), state (history: nothing).
        for home in homes {
            for directory in [home.cacheHome, home.configHome, home.stateHome] {
                for path in regularFiles(under: directory) {
                    guard var text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
                    if path.hasSuffix("/config.toml") {
                        text = text.split(separator: "\n", omittingEmptySubsequences: false)
                            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("secret_key =") }
                            .joined(separator: "\n")
                    }
                    for (what, secret) in secrets {
                        if what == "token" && cacheFiles.contains(path) { continue }
                        #expect(!text.contains(secret), "\(what) in \(path)")
                    }
                }
            }
        }
        // The login stored the key where the SPEC says, mode 0600.
        let stored = loginHome.configHome.appendingPathComponent("coclick/config.toml")
        #expect((try? String(contentsOf: stored, encoding: .utf8))?.contains(secretKey) == true)
    }

    /// A script that logs the key by mistake (an error message quoting its environment, say)
    /// still does not write it: log lines are redacted like every other message.
    @Test func logLinesAreRedacted() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let key = String(repeating: "9f3a", count: 16)
        let run = try BinaryRun.coclick(
            ["eval", "log.warn('key: ' .. os.getenv('COCLICK_SECRET_KEY'))"],
            environment: home.environment(["COCLICK_SECRET_ID": "id", "COCLICK_SECRET_KEY": key]))
        #expect(run.status == 0, "\(run.summary)")
        #expect(run.stderr.contains(" WARN key: "), "\(run.summary)")
        #expect(!run.stderr.contains(key), "\(run.summary)")
    }
}
