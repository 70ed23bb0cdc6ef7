import CoClickSandbox
import CoClickSandboxTesting
import Foundation
import Testing

/// `coclick doctor` through the binary: one line per check, the status of the first failure.
@Suite struct DoctorTests {
    /// A profile in config.toml with the sandbox's key pair, at `mode`.
    private static func writeConfig(_ home: IsolatedHome, _ server: SandboxServer, key: String? = nil, mode: Int = 0o600) throws {
        let folder = home.configHome.appendingPathComponent("coclick")
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let path = folder.appendingPathComponent("config.toml").path
        let text = """
            [profiles.default]
            base_url = "\(server.baseURL)"
            secret_id = "\(server.secretID)"
            secret_key = "\(key ?? server.secretKey)"

            """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    private static func lines(_ run: BinaryRun) -> [String] {
        run.stdout.split(separator: "\n").map(String.init)
    }

    private static func line(_ run: BinaryRun, _ topic: String) -> String? {
        lines(run).first { $0.dropFirst(5).hasPrefix(topic + ":") }
    }

    @Test func aGoodSetUpIsAllOK() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start()
        defer { Task { await server.stop() } }
        try Self.writeConfig(home, server)
        let run = try await BinaryRun.coclickOffPool(["doctor"], environment: home.environment())
        #expect(run.status == 0, "\(run.summary)")
        for topic in ["config", "key", "cache", "state", "base URL", "auth", "token", "clock"] {
            #expect(Self.line(run, topic)?.hasPrefix("ok   ") == true, "\(topic): \(run.summary)")
        }
        #expect(Self.lines(run).allSatisfy { $0.hasPrefix("ok   ") || $0.hasPrefix("warn ") }, "\(run.summary)")
        #expect(Self.line(run, "config")?.contains("0600") == true)
        #expect(!run.stdout.contains(server.secretKey) && !run.stderr.contains(server.secretKey))
    }

    /// Plain http to a host other than loopback: refused by the configuration (exit 3) unless
    /// --insecure-http allows it, and then a warning with every other check made. 0.0.0.0 is
    /// not a loopback name, yet Linux connects it to this machine (the sandbox's 127.0.0.1).
    @Test func plainHTTPAllowedByInsecureHTTPIsAWarning() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start()
        defer { Task { await server.stop() } }
        try Self.writeConfig(home, server)
        let url = server.baseURL.replacingOccurrences(of: "://127.0.0.1:", with: "://0.0.0.0:")
        let refused = try await BinaryRun.coclickOffPool(["doctor", "--base-url", url], environment: home.environment())
        #expect(refused.status == 3, "\(refused.summary)")
        let allowed = try await BinaryRun.coclickOffPool(["doctor", "--base-url", url, "--insecure-http"], environment: home.environment())
        #expect(allowed.status == 0, "\(allowed.summary)")
        let line = Self.line(allowed, "base URL")
        #expect(line?.hasPrefix("warn ") == true && line?.contains("--insecure-http") == true, "\(allowed.summary)")
        #expect(Self.line(allowed, "auth")?.hasPrefix("ok   ") == true, "\(allowed.summary)")
    }

    @Test func aKeyFileReadableByOthersIsAWarning() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start()
        defer { Task { await server.stop() } }
        try Self.writeConfig(home, server, mode: 0o644)
        let run = try await BinaryRun.coclickOffPool(["doctor"], environment: home.environment())
        #expect(run.status == 0, "\(run.summary)")
        #expect(Self.lines(run).contains { $0.hasPrefix("warn config:") && $0.contains("readable by others") }, "\(run.summary)")
        #expect(Self.line(run, "auth")?.hasPrefix("ok") == true, "\(run.summary)")
    }

    @Test func aMissingKeyIsThree() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let run = try BinaryRun.coclick(["doctor"], environment: home.environment())
        #expect(run.status == 3, "\(run.summary)")
        #expect(Self.line(run, "key")?.hasPrefix("fail ") == true, "\(run.summary)")
        #expect(Self.line(run, "cache")?.hasPrefix("ok ") == true, "later checks still run: \(run.summary)")
    }

    @Test func aWrongKeyIsFour() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start()
        defer { Task { await server.stop() } }
        let wrong = "not-the-key-\(UUID().uuidString)"
        try Self.writeConfig(home, server, key: wrong)
        let run = try await BinaryRun.coclickOffPool(["doctor"], environment: home.environment())
        #expect(run.status == 4, "\(run.summary)")
        #expect(Self.line(run, "auth")?.hasPrefix("fail ") == true, "\(run.summary)")
        #expect(!run.stdout.contains(wrong) && !run.stderr.contains(wrong))
        #expect(server.stats.rejectedAuthentications == 1)
    }

    @Test func anUnreachableURLIsFive() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let port = try Examples.closedPort()
        let run = try BinaryRun.coclick(
            ["doctor"],
            environment: home.environment([
                "COCLICK_BASE_URL": "http://127.0.0.1:\(port)/api/v1", "COCLICK_SECRET_ID": "id", "COCLICK_SECRET_KEY": "key-value",
            ]), timeout: .seconds(90))
        #expect(run.status == 5, "\(run.summary)")
        #expect(Self.line(run, "auth")?.hasPrefix("fail ") == true, "\(run.summary)")
        #expect(Self.line(run, "key")?.contains("COCLICK_SECRET_KEY") == true, "\(run.summary)")
    }

    @Test func aFailingSecretKeyCommandIsThree() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let folder = home.configHome.appendingPathComponent("coclick")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = folder.appendingPathComponent("config.toml").path
        try "[profiles.default]\nsecret_id = \"id\"\nsecret_key_command = \"exit 9\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let run = try BinaryRun.coclick(["doctor"], environment: home.environment())
        #expect(run.status == 3, "\(run.summary)")
        #expect(Self.line(run, "key")?.hasPrefix("fail ") == true, "\(run.summary)")
    }
}
