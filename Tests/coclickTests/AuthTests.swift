import CoClickSandbox
import CoClickSandboxTesting
import Foundation
import Testing

/// `coclick auth login / status / logout` against a sandbox the test starts.
@Suite struct AuthTests {
    @Test func loginStatusLogout() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start()
        defer { Task { await server.stop() } }
        let environment = home.environment()

        let login = try await BinaryRun.coclickOffPool(
            [
                "auth", "login", "--profile", "work", "--base-url", server.baseURL,
                "--secret-id", server.secretID,
            ],
            stdin: server.secretKey + "\nnot read\n", environment: environment)
        #expect(login.status == 0, "\(login.summary)")
        #expect(!login.stderr.contains(server.secretKey) && !login.stdout.contains(server.secretKey))
        let config = home.configHome.appendingPathComponent("coclick/config.toml")
        let text = try String(contentsOf: config, encoding: .utf8)
        #expect(text.contains("[profiles.work]") && text.contains(server.secretID) && text.contains(server.baseURL))
        let mode = try FileManager.default.attributesOfItem(atPath: config.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let status = try await BinaryRun.coclickOffPool(["auth", "status", "--profile", "work"], environment: environment)
        #expect(status.status == 0, "\(status.summary)")
        #expect(status.stdout.contains(server.companyName))
        #expect(status.stdout.contains("work") && status.stdout.contains("flag --profile"))
        #expect(status.stdout.contains(server.baseURL) && status.stdout.contains("base_url in"))
        #expect(!status.stdout.contains(server.secretKey))

        // The saved profile serves scripts: no environment key needed.
        let count = try await BinaryRun.coclickOffPool(["--profile", "work", "eval", "return #coclick.meetings.all{} > 0"], environment: environment)
        #expect(count.stdout == "true\n", "\(count.summary)")

        let cache = home.cacheHome.appendingPathComponent("coclick")
        let tokens = { try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasSuffix(".json") } }
        #expect(try tokens().count == 1)
        let logout = try await BinaryRun.coclickOffPool(["auth", "logout", "--profile", "work"], environment: environment)
        #expect(logout.status == 0, "\(logout.summary)")
        #expect(try tokens().isEmpty)
    }

    @Test func rejectedLoginIsFourAndSavesNothing() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start()
        defer { Task { await server.stop() } }
        let login = try await BinaryRun.coclickOffPool(
            ["auth", "login", "--base-url", server.baseURL],
            stdin: "wrong-key\n",
            environment: home.environment(["COCLICK_SECRET_ID": server.secretID]))
        #expect(login.status == 4, "\(login.summary)")
        #expect(!login.stderr.contains("wrong-key"))
        #expect(!FileManager.default.fileExists(atPath: home.configHome.appendingPathComponent("coclick/config.toml").path))
    }

    @Test func statusWithoutKeyPairIsThree() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let status = try BinaryRun.coclick(["auth", "status"], environment: home.environment())
        #expect(status.status == 3, "\(status.summary)")
        #expect(status.stderr.contains("no key pair"))
    }

    @Test func loginWithoutSecretIDOffATerminalIsAUsageError() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let login = try BinaryRun.coclick(["auth", "login"], stdin: "key\n", environment: home.environment())
        #expect(login.status == 2, "\(login.summary)")
    }
}
