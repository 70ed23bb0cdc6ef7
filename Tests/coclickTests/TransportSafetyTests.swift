import Foundation
import Testing

/// The key and token travel only where they should: plain http:// only to loopback unless the
/// user allows it, redirects never followed, extra trusted roots from SSL_CERT_FILE.
@Suite(.serialized) struct TransportSafetyTests {
    private func pair(_ baseURL: String) -> [String: String] {
        ["COCLICK_BASE_URL": baseURL, "COCLICK_SECRET_ID": SecretsEchoTests.secretID, "COCLICK_SECRET_KEY": SecretsEchoTests.key]
    }

    /// Refused before anything is sent: no trace line, exit 3, and the way out named.
    @Test func plainHTTPToAnotherHostIsRefused() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let run = try BinaryRun.coclick(
            ["-v", "eval", "return coclick.auth()"],
            environment: home.environment(pair("http://192.0.2.1/api/v1")))
        #expect(run.status == 3, "\(run.summary)")
        #expect(run.stderr.contains("plain http:// to 192.0.2.1"), "\(run.summary)")
        #expect(run.stderr.contains("allow_insecure_http = true") && run.stderr.contains("--insecure-http"), "\(run.summary)")
        #expect(!run.stderr.contains("coclick: http:"), "nothing may be sent: \(run.summary)")
    }

    /// Allowed by --insecure-http or the profile's allow_insecure_http, with a warning each run.
    /// (0.0.0.0 is not a loopback name, yet reaches this machine's 127.0.0.1 listener.)
    @Test func plainHTTPAllowedExplicitlyWarnsOnEveryRun() async throws {
        let server = try await LoopbackAPI.start(SecretsEchoTests.echo)
        defer { Task { await server.stop() } }
        let home = try IsolatedHome()
        defer { home.remove() }
        let baseURL = "http://0.0.0.0:\(server.port)/api/v1"
        var run = try await BinaryRun.coclickOffPool(
            ["--insecure-http", "eval", "return coclick.auth().company"],
            environment: home.environment(pair(baseURL)))
        #expect(run.status == 0, "\(run.summary)")
        #expect(run.stdout.contains("Echo Co"), "\(run.summary)")
        #expect(run.stderr.contains("warning: the key and token go over plain http:// to 0.0.0.0"), "\(run.summary)")
        #expect(server.requests.contains { $0.path == "/api/v1/authenticate" })

        try SecretsEchoTests.writeConfig(
            in: home,
            """
            [profiles.default]
            base_url = "\(baseURL)"
            secret_id = "\(SecretsEchoTests.secretID)"
            secret_key = "\(SecretsEchoTests.key)"
            allow_insecure_http = true

            """)
        run = try await BinaryRun.coclickOffPool(["eval", "return coclick.auth().company"], environment: home.environment())
        #expect(run.status == 0, "\(run.summary)")
        #expect(run.stderr.contains("(allow_insecure_http in "), "\(run.summary)")
    }

    /// A 302 (or 307 on /authenticate, which carries the key) is not followed: the listener it
    /// points to never sees a request, and the run ends with 5.
    @Test func redirectsAreNeverFollowed() async throws {
        let target = try await LoopbackAPI.start { _ in .init(status: 200, body: "[]") }
        defer { Task { await target.stop() } }
        let home = try IsolatedHome()
        defer { home.remove() }
        for redirected in ["/api/v1/meetings", "/api/v1/authenticate"] {
            let server = try await LoopbackAPI.start { request in
                if request.path == redirected {
                    return .init(
                        status: redirected.hasSuffix("authenticate") ? 307 : 302,
                        headers: [("Location", target.baseURL + request.path.dropFirst("/api/v1".count))], body: "")
                }
                return SecretsEchoTests.echo(request)
            }
            let run = try await BinaryRun.coclickOffPool(
                ["eval", "return coclick.meetings.list{}"],
                environment: home.environment(
                    pair(server.baseURL).merging(
                        ["XDG_CACHE_HOME": home.root.path + "/cache-\(server.port)"]) { $1 }))
            #expect(run.status == 5, "\(redirected): \(run.summary)")
            #expect(run.stderr.contains("redirect"), "\(redirected): \(run.summary)")
            #expect(server.requests.contains { $0.path == redirected }, "\(redirected) was asked")
            await server.stop()
        }
        #expect(target.requests.isEmpty, "followed a redirect: \(target.requests.map { "\($0.method) \($0.path)" })")
    }

    /// SSL_CERT_FILE adds a trusted root: a server whose certificate it issued is reached; the
    /// same server without it fails verification (it is never turned off).
    @Test func sslCertFileAddsATrustedRoot() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let certificate = home.root.appendingPathComponent("cert.pem").path
        let key = home.root.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", certificate,
        ]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0, "openssl req failed")
        let server = try TLSServer(certificate: certificate, key: key)
        defer { server.stop() }
        let environment = home.environment(pair("https://localhost:\(server.port)/api/v1"))
        var run = try BinaryRun.coclick(
            ["eval", "return coclick.auth().company"],
            environment: environment.merging(["SSL_CERT_FILE": certificate]) { $1 })
        #expect(run.status == 0, "\(run.summary)")
        #expect(run.stdout.contains("TLS Co"), "\(run.summary)")
        run = try BinaryRun.coclick(
            ["eval", "return coclick.auth().company"],
            environment: environment.merging(["XDG_CACHE_HOME": home.root.path + "/cache-2"]) { $1 })
        #expect(run.status == 5, "\(run.summary)")
        #expect(!run.stdout.contains("TLS Co"), "\(run.summary)")
        run = try BinaryRun.coclick(
            ["eval", "return coclick.auth().company"],
            environment: environment.merging(["SSL_CERT_FILE": key + ".missing"]) { $1 })
        #expect(run.status == 3, "\(run.summary)")
        #expect(run.stderr.contains("SSL_CERT_FILE="), "\(run.summary)")
        // The roots serve every https request of the run, a webhook's too, whatever the base URL.
        let local = home.environment(pair("http://127.0.0.1:9/api/v1")).merging(["SSL_CERT_FILE": certificate]) { $1 }
        run = try BinaryRun.coclick(
            ["eval", "return (coclick.http.post_json('https://localhost:\(server.port)/hook', {a = 1}))"], environment: local)
        #expect(run.status == 0 && run.stdout == "200\n", "\(run.summary)")
    }
}

/// An HTTPS server on 127.0.0.1 (Python's, with a certificate the test made) answering
/// /authenticate with a token, for the trust-root test.
private final class TLSServer {
    private let process = Process()
    let port: Int

    init(certificate: String, key: String) throws {
        let program = """
            import http.server, json, ssl, sys
            class H(http.server.BaseHTTPRequestHandler):
                def do_POST(self):
                    self.rfile.read(int(self.headers.get('Content-Length') or 0))
                    body = json.dumps({"token": "tls-token-0123456789", "expires_at": "2099-01-01T00:00:00.000Z", "company": "TLS Co"}).encode()
                    self.send_response(200); self.send_header('Content-Type', 'application/json')
                    self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
                def log_message(self, *a): pass
            server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); context.load_cert_chain(sys.argv[1], sys.argv[2])
            server.socket = context.wrap_socket(server.socket, server_side=True)
            print(server.server_address[1], flush=True)
            server.serve_forever()
            """
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", program, certificate, key]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Waits for the state: the port printed once listening.
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line += byte
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            kill(process.processIdentifier, SIGKILL)
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the TLS server did not start"])
        }
        self.port = port
    }

    func stop() {
        // SIGKILL: the test process may have left SIGTERM blocked, and the child inherits that.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
