import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `coclick sandbox` as a person or a script uses it: the base URL and demo key pair printed
/// first, then the documented endpoints answering as COCLICK_API.md shows them.
@Suite struct SandboxCommandTests {
    private func request(
        _ method: String, _ url: String, token: String? = nil, per: Int? = nil,
        body: [String: Any]? = nil
    ) async throws -> (status: Int, json: Any?) {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let per { request.setValue("\(per)", forHTTPHeaderField: "X-Per") }
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = try #require(response as? HTTPURLResponse).statusCode
        return (status, try? JSONSerialization.jsonObject(with: data))
    }

    @Test func answersAsTheAPIDocumentationShows() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let sandbox = try SandboxProcess(arguments: ["--meetings", "12"], environment: home.environment())
        defer { sandbox.stop() }
        let base = try #require(sandbox.variables["COCLICK_BASE_URL"])
        #expect(base.hasPrefix("http://127.0.0.1:") && base.hasSuffix("/api/v1"))

        // 401 without a token, with a JSON body.
        let anonymous = try await request("GET", base + "/meetings")
        #expect(anonymous.status == 401 && anonymous.json is [String: Any])

        let auth = try await request(
            "POST", base + "/authenticate",
            body: [
                "secret_id": try #require(sandbox.variables["COCLICK_SECRET_ID"]),
                "secret_key": try #require(sandbox.variables["COCLICK_SECRET_KEY"]),
            ])
        #expect(auth.status == 200)
        let grant = try #require(auth.json as? [String: Any])
        let token = try #require(grant["token"] as? String)
        #expect(grant["company"] is String && grant["expires_at"] is String)

        let page = try await request("GET", base + "/meetings", token: token, per: 5)
        let summaries = try #require(page.json as? [[String: Any]])
        #expect(summaries.count == 5)
        #expect(Set(summaries[0].keys) == ["id", "user", "status", "starts_at"])

        let id = try #require(summaries[0]["id"] as? String)
        let full = try #require(try await request("GET", base + "/meetings/\(id)", token: token).json as? [String: Any])
        #expect(full["token"] as? String == id)
        #expect(full.keys.contains("prospect_room_url") && full.keys.contains("custom_data"))

        let missing = try await request("GET", base + "/meetings/" + String(repeating: "0", count: 64), token: token)
        #expect(missing.status == 404 && missing.json is [String: Any])

        let invalid = try await request("POST", base + "/meetings", token: token, body: ["user": "nobody@example.com"])
        #expect(invalid.status == 422)
        let shape = try #require(invalid.json as? [String: Any])
        let errors = try #require(shape["errors"] as? [String: [String]])
        #expect(errors["user"] == ["User must exist"])
        #expect(errors["starts_at"] == ["please specify a start date"])
        #expect(shape.keys.contains("token") && shape["token"] is NSNull)
    }

    @Test func aBadFaultSpecIsAUsageErrorNamingIt() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let run = try BinaryRun.coclick(
            ["sandbox", "--port", "0", "--faults", "latency=5ms,503=1.5"],
            environment: home.environment())
        #expect(run.status == 2, "\(run.summary)")
        #expect(run.stderr.contains("503=1.5"), "\(run.summary)")
        #expect(run.stdout.isEmpty)
    }

    /// Ctrl-C and SIGTERM stop the server gracefully (exit 0, a closing line naming the signal):
    /// the command's subscription to the signal owner, made before the server starts.
    @Test(arguments: [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")])
    func aSignalStopsItGracefully(signal: Int32, name: String) throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let sandbox = try RunningBinary(["sandbox", "--port", "0"], environment: home.environment())
        let listening = sandbox.waitForOutput { stdout, _ in stdout.contains("export COCLICK_SECRET_KEY=") }
        #expect(listening, "no banner: \(sandbox.stderr)")
        sandbox.kill(signal)
        let status = sandbox.finish(bound: .seconds(30))
        #expect(sandbox.process.terminationReason == .exit)
        #expect(status == 0, "\(sandbox.stderr)")
        #expect(sandbox.stderr.contains("coclick: sandbox stopping (\(name));"), "\(sandbox.stderr)")
    }
}
