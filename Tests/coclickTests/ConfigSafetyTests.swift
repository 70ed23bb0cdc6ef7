import CoClickSandboxTesting
import Foundation
import Testing

/// Configuration that others could have written is refused (as ssh refuses it); only regular
/// files are read; `--timeout` and signals bound the run from its first instant, and a
/// `secret_key_command` never outlives the run.
@Suite(.serialized) struct ConfigSafetyTests {
    // The commands send their standard error to /dev/null: a survivor holding coclick's would
    // keep the harness reading after coclick exits, hanging the test instead of failing it.

    /// A profile whose secret_key_command leaves a marker when it runs.
    private func home(command: String, configMode: Int = 0o600) throws -> (IsolatedHome, config: String) {
        let home = try IsolatedHome()
        try SecretsEchoTests.writeConfig(
            in: home,
            """
            [profiles.default]
            base_url = "http://127.0.0.1:9/api/v1"
            secret_id = "id"
            secret_key_command = "\(command)"

            """)
        let config = home.configHome.appendingPathComponent("coclick/config.toml").path
        try FileManager.default.setAttributes([.posixPermissions: configMode], ofItemAtPath: config)
        return (home, config)
    }

    @Test func aConfigOthersCanWriteIsRefused() throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("coclick-ran-\(UUID().uuidString)").path
        let (home, config) = try home(command: "touch \(marker); echo key", configMode: 0o666)
        defer { home.remove() }
        let run = try BinaryRun.coclick(["eval", "return coclick.auth()"], environment: home.environment())
        #expect(run.status == 3, "\(run.summary)")
        #expect(run.stderr.contains("\(config) can be written by other users"), "\(run.summary)")
        #expect(run.stderr.contains("chmod go-w \(config)"), "\(run.summary)")
        #expect(!FileManager.default.fileExists(atPath: marker), "secret_key_command must not run")
        // Refused even when the run would make no API call.
        let noCall = try BinaryRun.coclick(["eval", "return 1"], environment: home.environment())
        #expect(noCall.status == 3, "\(noCall.summary)")
        #expect(noCall.stderr.contains("chmod go-w \(config)"), "\(noCall.summary)")
    }

    @Test func aConfigFolderOthersCanWriteIsRefused() throws {
        let (home, config) = try home(command: "echo key")
        defer { home.remove() }
        let folder = home.configHome.path
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: folder)
        let run = try BinaryRun.coclick(["eval", "return coclick.auth()"], environment: home.environment())
        #expect(run.status == 3, "\(run.summary)")
        #expect(run.stderr.contains("\(folder) (a folder above \(config)) can be written"), "\(run.summary)")
        #expect(run.stderr.contains("chmod go-w \(folder)\n"), "\(run.summary)")
    }

    /// A FIFO in place of config.toml is an error at once, not a read that waits for a writer.
    @Test func aFIFOInPlaceOfTheConfigIsAnError() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let folder = home.configHome.appendingPathComponent("coclick")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let config = folder.appendingPathComponent("config.toml").path
        #expect(mkfifo(config, 0o600) == 0)
        let run = try BinaryRun.coclick(["--timeout", "30", "eval", "return coclick.auth()"], environment: home.environment())
        #expect(run.status == 3, "\(run.summary)")
        #expect(run.stderr.contains("cannot read \(config): not a regular file"), "\(run.summary)")
    }

    /// A FIFO in place of the token cache file: an error, not a hang until --timeout.
    @Test func aFIFOInPlaceOfTheTokenCacheIsAnError() async throws {
        let server = try await LoopbackAPI.start(SecretsEchoTests.echo)
        defer { Task { await server.stop() } }
        let home = try IsolatedHome()
        defer { home.remove() }
        let environment = home.environment([
            "COCLICK_BASE_URL": server.baseURL, "COCLICK_SECRET_ID": SecretsEchoTests.secretID,
            "COCLICK_SECRET_KEY": SecretsEchoTests.key,
        ])
        var run = try await BinaryRun.coclickOffPool(["eval", "return coclick.auth().company"], environment: environment)
        #expect(run.status == 0, "\(run.summary)")
        let cache = home.cacheHome.appendingPathComponent("coclick")
        let names = try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasSuffix(".json") }
        let file = cache.appendingPathComponent(try #require(names.first)).path
        try FileManager.default.removeItem(atPath: file)
        #expect(mkfifo(file, 0o600) == 0)
        run = try await BinaryRun.coclickOffPool(["--timeout", "30", "eval", "return coclick.auth().company"], environment: environment)
        #expect(run.status == 5, "\(run.summary)")
        #expect(run.stderr.contains("\(file) is not a regular file"), "\(run.summary)")
    }

    /// --timeout covers secret_key_command, and the command's whole process group is killed:
    /// for a script and for `auth status`.
    @Test(arguments: [["eval", "return 1"], ["auth", "status"]])
    func timeoutEndsASlowSecretKeyCommandAndItsGroup(command: [String]) async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("coclick-sleep-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        let (home, _) = try home(command: "exec 2>/dev/null; sleep 1000 & echo $! > \(pidFile); wait")
        defer { home.remove() }
        let run = try await BinaryRun.coclickOffPool(["--timeout", "1"] + command, environment: home.environment())
        #expect(run.status == 124, "\(run.summary)")
        #expect(run.stderr.contains("timed out"), "\(run.summary)")
        let pid = try await Self.pid(in: pidFile)
        #expect(await Self.waitUntilGone(pid), "the command's sleep (pid \(pid)) outlived the run")
    }

    /// SIGTERM while secret_key_command runs: exit 143, its group killed too.
    @Test func sigtermEndsASlowSecretKeyCommandAndItsGroup() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("coclick-sleep-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        let (home, _) = try home(command: "exec 2>/dev/null; sleep 1000 & echo $! > \(pidFile); wait")
        defer { home.remove() }
        let process = Process()
        process.executableURL = BuiltBinary.url
        process.arguments = ["eval", "return 1"]
        process.environment = home.environment()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait for the state: the command has started its sleep.
        let pid = try await Self.pid(in: pidFile, waiting: true)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 143)
        #expect(await Self.waitUntilGone(pid), "the command's sleep (pid \(pid)) outlived the run")
    }

    /// A command that leaves a job in the background (holding its output pipe) does not hold
    /// the run up, and the job goes with the command's group.
    @Test func aBackgroundJobOfTheCommandIsKilled() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("coclick-sleep-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        let (home, _) = try home(command: "sleep 1000 2>/dev/null & echo $! > \(pidFile); echo the-key")
        defer { home.remove() }
        let run = try await BinaryRun.coclickOffPool(["--timeout", "20", "eval", "return 1"], environment: home.environment())
        #expect(run.status == 0, "\(run.summary)")
        let pid = try await Self.pid(in: pidFile)
        #expect(await Self.waitUntilGone(pid), "the command's background sleep (pid \(pid)) outlived it")
    }

    /// The pid the command wrote to `file` (once it has written it whole, when `waiting`).
    static func pid(in file: String, waiting: Bool = false) async throws -> pid_t {
        let written = { (try? String(contentsOfFile: file, encoding: .utf8))?.hasSuffix("\n") == true }
        if waiting { _ = await waitUntil(bound: .seconds(20), written) }
        let text = try? String(contentsOfFile: file, encoding: .utf8)
        return try #require(text.flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
    }

    /// True once `pid` is gone (or a zombie, which holds nothing), within a generous bound.
    static func waitUntilGone(_ pid: pid_t) async -> Bool {
        await waitUntil(bound: .seconds(10)) {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            // "pid (comm) S ...": the state follows the last ')'.
            guard let close = stat.lastIndex(of: ")") else { return false }
            return stat[close...].dropFirst(2).first == "Z"
        }
    }
}
