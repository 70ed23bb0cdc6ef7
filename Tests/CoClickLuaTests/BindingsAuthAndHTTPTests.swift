import CoClickAPI
import Testing

@testable import CoClickLua

@Suite struct BindingsAuthAndHTTPTests {
    @Test func authReturnsCompanyAndExpiryNeverTheToken() async throws {
        try await withBindings(meetings: 1) { h in
            let state = try h.makeState()
            let result = try run(
                """
                local a = coclick.auth()
                local keys = {}
                for k in pairs(a) do keys[#keys + 1] = k end
                table.sort(keys)
                return a.company, table.concat(keys, ","), coclick.time.parse(a.expires_at) > os.time()
                """, state)
            h.check { #expect(result == [.string(h.server.companyName), .string("company,expires_at"), .bool(true)]) }
            let client = h.client
            let token = try state.blockingAwait { try await client.token() }
            let rendered = try run("return json.encode(coclick.auth())", state).first??.stringValue ?? ""
            h.check { #expect(!rendered.contains(token.value)) }
            h.check { #expect(rendered.contains(token.expiresAtText)) }
            h.check { #expect(h.server.stats.authentications == 1) }
        }
    }

    @Test func postJSONReturnsStatusAndBody() async throws {
        try await withBindings(meetings: 1) { h in
            let state = try h.makeState()
            setGlobal(state, "BASE", .string(h.server.baseURL))
            // The sandbox's meetings endpoint, without a token: a real 401 with its JSON body.
            let result = try run(
                """
                local status, body = coclick.http.post_json(BASE .. "/meetings", {text = "hello", n = 1},
                                                            {headers = {["X-Test"] = "yes"}})
                local reply = json.decode(body)
                return math.type(status), status, reply.error
                """, state)
            h.check { #expect(result == [.string("integer"), .integer(401), .string("Unauthorized")]) }
            h.check { #expect(h.server.stats.unauthorized == 1) }
            // A webhook that accepts the body: /authenticate with a wrong key answers 401, with
            // the right one 200 (the body is what the server sent).
            setGlobal(state, "ID", .string(h.server.secretID))
            let bad = try run(
                """
                local status = coclick.http.post_json(BASE .. "/authenticate", {secret_id = ID, secret_key = "wrong"})
                return status
                """, state)
            h.check { #expect(bad == [.integer(401)]) }
            h.check { #expect(h.server.stats.rejectedAuthentications == 1) }
        }
    }

    @Test func postJSONToAClosedPortIsANetworkError() async throws {
        try await withBindings(meetings: 1) { h in
            let state = try h.makeState()
            let result = try run(
                """
                local ok, err = pcall(coclick.http.post_json, "http://127.0.0.1:9/hook", {a = 1})
                return ok, err.kind, tostring(err):sub(1, 8)
                """, state)
            h.check { #expect(result == [.bool(false), .string("network"), .string("CoClick ")]) }
        }
    }
}
