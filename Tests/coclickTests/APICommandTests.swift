import CoClickSandbox
import CoClickSandboxTesting
import Foundation
import Testing

/// `coclick api` and `coclick.api.get/post` through the built binary against a sandbox,
/// checked against what the sandbox holds over raw HTTP and what it counted.
@Suite struct APICommandTests {
    @Test func getPrintsTheJSONBodyWithFieldsAsQuery() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start(meetings: 150)
        let summaries = try await RawSandbox(server).summaries()
        let environment = Examples.environment(home, server)
        let page = try await BinaryRun.coclickOffPool(["api", "GET", "/meetings"], environment: environment)
        let scheduled = try await BinaryRun.coclickOffPool(
            ["api", "get", "meetings", "-f", "q[status]=scheduled", "--paginate"],
            environment: environment)
        await server.stop()

        #expect(page.status == 0, "\(page.summary)")
        let first = try #require(try JSONSerialization.jsonObject(with: Data(page.stdout.utf8)) as? [[String: Any]])
        #expect(
            first.compactMap { $0["id"] as? String } == summaries.prefix(20).compactMap { $0["id"] as? String },
            "the documented default page: 20")

        #expect(scheduled.status == 0, "\(scheduled.summary)")
        let filtered = try #require(try JSONSerialization.jsonObject(with: Data(scheduled.stdout.utf8)) as? [[String: Any]])
        let expected = summaries.filter { $0["status"] as? String == "scheduled" }.compactMap { $0["id"] as? String }
        #expect(expected.count > 20, "more than one page of them")
        #expect(filtered.compactMap { $0["id"] as? String } == expected)
    }

    @Test func paginateFollowsXPageIntoOneArray() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start(meetings: 500)
        let ids = try await RawSandbox(server).summaries().compactMap { $0["id"] as? String }
        let before = server.stats.requests
        let run = try await BinaryRun.coclickOffPool(
            ["api", "GET", "/meetings", "--paginate"],
            environment: Examples.environment(home, server))
        let requests = server.stats.requests - before
        await server.stop()

        #expect(run.status == 0, "\(run.summary)")
        let all = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        #expect(all.compactMap { $0["id"] as? String } == ids)
        // 500 meetings at the documented 20 a page: 25 full pages and a short (empty) one, and
        // one authentication.
        #expect(requests == 27, "\(requests) requests")
    }

    @Test func postCreatesFromFieldsOrInput() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start()
        let user = try #require(server.presenters.first)
        let environment = Examples.environment(home, server)
        let fromFields = try await BinaryRun.coclickOffPool(
            [
                "api", "POST", "/meetings", "-f", "user=\(user)", "-f", "starts_at=2030-01-02T10:00:00Z",
                "-f", "cobrowsing_url=https://shop.example.com/",
            ], environment: environment)
        let body = try home.script(
            "meeting.json",
            #"{"user": "\#(user)", "starts_at": "2030-01-03T10:00:00+01:00", "cobrowsing_url": "https://shop.example.com/", "custom_data": {"n": 7}}"#
        )
        let fromInput = try await BinaryRun.coclickOffPool(["api", "POST", "/meetings", "--input", body], environment: environment)
        let fromStandardInput = try await BinaryRun.coclickOffPool(
            ["api", "POST", "/meetings", "--input", "-", "-o", "raw"],
            stdin: #"{"user": "\#(user)", "starts_at": 1924941600, "cobrowsing_url": "https://shop.example.com/"}"#,
            environment: environment)
        let refused = try await BinaryRun.coclickOffPool(
            ["api", "POST", "/meetings", "-f", "user=nobody@example.com"],
            environment: environment)
        let stats = server.stats
        await server.stop()

        #expect(fromFields.status == 0, "\(fromFields.summary)")
        let created = try #require(try JSONSerialization.jsonObject(with: Data(fromFields.stdout.utf8)) as? [String: Any])
        #expect((created["token"] as? String)?.count == 64 && created["user"] as? String == user)
        #expect(fromInput.status == 0, "\(fromInput.summary)")
        let second = try #require(try JSONSerialization.jsonObject(with: Data(fromInput.stdout.utf8)) as? [String: Any])
        #expect((second["custom_data"] as? [String: Any])?["n"] as? Int == 7)
        #expect(refused.status == 1 && refused.stderr.contains("CoClick 422: user: User must exist"), "\(refused.summary)")
        #expect(
            fromStandardInput.status == 0 && fromStandardInput.stdout.contains(#""user":"\#(user)""#),
            "\(fromStandardInput.summary)")
        #expect(stats.meetingsCreated == 3 && stats.validationFailures == 1 && stats.writes == 4, "\(stats)")
    }

    @Test func luaGetAndPostReturnBodyStatusAndHeaders() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start()
        let ids = try await RawSandbox(server).summaries().compactMap { $0["id"] as? String }
        let user = try #require(server.presenters.first)
        let code = """
            local page, meta = coclick.api.get("/meetings", {page = 2, per = 5, query = {q = {status = {"closed", "scheduled", "in_progress", "cancelled"}}}})
            local made, made_meta = coclick.api.post("/meetings", {user = "\(user)", starts_at = "2030-01-02T10:00:00Z", cobrowsing_url = "https://shop.example.com/"})
            local ok, err = pcall(coclick.api.get, "/no/such/endpoint")
            return {ids = (function() local t = {} for i, m in ipairs(page) do t[i] = m.id end return t end)(),
                    status = meta.status, x_page = meta.headers["x-page"], made_status = made_meta.status,
                    made_token_length = #made.token, missing = err.kind, missing_status = err.status}
            """
        let run = try await BinaryRun.coclickOffPool(["-o", "json", "eval", code], environment: Examples.environment(home, server))
        await server.stop()

        #expect(run.status == 0, "\(run.summary)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(result["ids"] as? [String] == Array(ids[5..<10]))
        #expect(result["status"] as? Int == 200 && result["x_page"] as? String == "2")
        #expect(result["made_status"] as? Int == 201 && result["made_token_length"] as? Int == 64)
        #expect(result["missing"] as? String == "not_found" && result["missing_status"] as? Int == 404)
    }

    @Test func anAbsoluteURLElsewhereIsRefusedBeforeAnythingIsSent() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start()
        let elsewhere = try await TestSandbox.start()
        let environment = Examples.environment(home, server)
        let cli = try await BinaryRun.coclickOffPool(["api", "GET", elsewhere.baseURL + "/meetings"], environment: environment)
        let lua = try await BinaryRun.coclickOffPool(
            ["eval", "return coclick.api.post(\((elsewhere.baseURL + "/meetings").debugDescription), {})"], environment: environment)
        let climbing = try await BinaryRun.coclickOffPool(["api", "GET", "/../../meetings"], environment: environment)
        let under = try await BinaryRun.coclickOffPool(
            ["-o", "raw", "eval", "#coclick.api.get(\((server.baseURL + "/meetings").debugDescription))"],
            environment: environment)
        let foreignRequests = elsewhere.stats.requests
        await server.stop()
        await elsewhere.stop()

        #expect(foreignRequests == 0, "the other host got \(foreignRequests) requests")
        for run in [cli, lua] {
            #expect(run.status == 1, "\(run.summary)")
            #expect(run.stderr.contains("is not under the base URL \(server.baseURL)"), "\(run.summary)")
            #expect(run.stdout.isEmpty)
        }
        #expect(climbing.status == 1 && climbing.stderr.contains("must not climb out of the base URL"), "\(climbing.summary)")
        #expect(under.status == 0 && under.stdout == "20\n", "an absolute URL under the base URL is fine: \(under.summary)")
    }

    @Test func usageErrorsAreStatusTwo() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        for arguments in [
            ["api", "DELETE", "/meetings"], ["api", "POST", "/meetings", "--paginate"],
            ["api", "GET", "/meetings", "-f", "novalue"], ["api", "POST", "/x", "--input", "/no/such/file"],
            ["api", "POST", "/x", "-f", "a=1", "-f", "a=2"],
        ] {
            let run = try BinaryRun.coclick(arguments, environment: home.environment())
            #expect(run.status == 2, "\(arguments): \(run.summary)")
        }
    }
}

/// An API on 127.0.0.1 that echoes secrets back: `/authenticate` issues a fixed token (not
/// shaped like a JWT, so only exact redaction can hide it), and `GET /api/v1/echo` returns the
/// request's `Authorization` header and the key in its body and in an `X-Echo` header.
final class EchoingAPI: Sendable {
    static let token = "tok-0123456789abcdef0123"
    private let server: LoopbackAPI
    var baseURL: String { server.baseURL }

    private init(server: LoopbackAPI) { self.server = server }

    static func start(key: String) async throws -> EchoingAPI {
        EchoingAPI(
            server: try await LoopbackAPI.start { request in
                switch (request.method, request.path) {
                case ("POST", "/api/v1/authenticate"):
                    return .init(status: 200, body: #"{"token": "\#(token)", "expires_at": "2099-01-01T00:00:00.000+00:00", "company": "Echo"}"#)
                case ("GET", "/api/v1/echo"):
                    let authorization = request.authorization ?? ""
                    return .init(
                        status: 200, headers: [("Content-Type", "application/json"), ("X-Echo", authorization)],
                        body: #"{"authorization": "\#(authorization)", "note": "your key is \#(key)"}"#)
                default:
                    return .init(status: 404, headers: [], body: "")
                }
            })
    }

    func stop() async { await server.stop() }
}

@Suite struct APICommandSecretsTests {
    @Test func aReplyEchoingTheTokenAndKeyIsScrubbed() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let key = "key-fedcba9876543210fedcba"
        let api = try await EchoingAPI.start(key: key)
        let environment = home.environment([
            "COCLICK_BASE_URL": api.baseURL, "COCLICK_SECRET_ID": "echo-id",
            "COCLICK_SECRET_KEY": key,
        ])
        let cli = try await BinaryRun.coclickOffPool(["-v", "api", "GET", "/echo"], environment: environment)
        let lua = try await BinaryRun.coclickOffPool(
            ["-o", "json", "eval", "local body, meta = coclick.api.get('/echo'); return {body = body, echo = meta.headers['x-echo']}"],
            environment: environment)
        await api.stop()

        for run in [cli, lua] {
            #expect(run.status == 0, "\(run.summary)")
            #expect(run.stdout.contains("[REDACTED]"), "\(run.summary)")
            for secret in [EchoingAPI.token, key] {
                #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret), "\(run.summary)")
            }
        }
        let echoed = try #require(try JSONSerialization.jsonObject(with: Data(lua.stdout.utf8)) as? [String: Any])
        #expect(echoed["echo"] as? String == "Bearer [REDACTED]")
        #expect((echoed["body"] as? [String: Any])?["note"] as? String == "your key is [REDACTED]")
    }
}
