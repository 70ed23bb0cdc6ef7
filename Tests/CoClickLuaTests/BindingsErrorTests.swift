import CoClickAPI
import CoClickSandbox
import Foundation
import Testing

@testable import CoClickLua

@Suite struct BindingsErrorTests {
    /// The message of the error `code` raises under pcall.
    private func message(_ code: String, _ state: LuaState) throws -> String? {
        try run("local ok, err = pcall(function() \(code) end) return tostring(err)", state).first??.stringValue
    }

    @Test func argumentErrorsNameTheArgumentAndTheBinding() async throws {
        try await withBindings(meetings: 2) { h in
            let state = try h.makeState()
            let cases: [(String, String)] = [
                ("coclick.meetings.get(42)", "bad argument #1 to 'get' (string expected, got number)"),
                ("coclick.meetings.get()", "bad argument #1 to 'get' (string expected, got no value)"),
                ("coclick.meetings.create{usr = 'a@b.c'}", "bad argument #1 to 'create' (unknown field \"usr\")"),
                ("coclick.meetings.create{user = {}}", "bad argument #1 to 'create' (field 'user': string expected, got table)"),
                (
                    "coclick.meetings.create{starts_at = true}",
                    "bad argument #1 to 'create' (field 'starts_at': string or number expected, got boolean)"
                ),
                ("coclick.meetings.create{custom_data = 'x'}", "bad argument #1 to 'create' (field 'custom_data': object expected, got string)"),
                (
                    "coclick.meetings.create{cobrowsing_cookies_data = {a = 1}}",
                    "bad argument #1 to 'create' (field 'cobrowsing_cookies_data': array expected, got object)"
                ),
                ("coclick.meetings.create('x')", "bad argument #1 to 'create' (table expected, got string)"),
                ("coclick.meetings.list(5)", "bad argument #1 to 'list' (table expected, got number)"),
                ("coclick.meetings.list{per = 'x'}", "bad argument #1 to 'list' (field 'per': integer expected, got string)"),
                ("coclick.meetings.list{per = 0}", "bad argument #1 to 'list' (field 'per': must be at least 1, got 0)"),
                ("coclick.meetings.list{q = 3}", "bad argument #1 to 'list' (field 'q': string or table expected, got number)"),
                ("coclick.meetings.list{q = {f = print}}", "bad argument #1 to 'list' (field 'q': cannot convert a function value at q.f)"),
                (
                    "coclick.meetings.create{starts_at = 1e300}",
                    "bad argument #1 to 'create' (field 'starts_at': epoch seconds out of range)"
                ),
                (
                    "coclick.api.get('/meetings', {query = 3})",
                    "bad argument #2 to 'get' (field 'query': string or table expected, got number)"
                ),
                (
                    "coclick.api.get('/meetings', {query = {1, 2}})",
                    "bad argument #2 to 'get' (field 'query': a table of names to values expected)"
                ),
                (
                    "coclick.api.get('/meetings', {query = {f = print}})",
                    "bad argument #2 to 'get' (field 'query': cannot convert a function value at query.f)"
                ),
                ("coclick.meetings.list{pages = 2}", "bad argument #1 to 'list' (unknown field \"pages\")"),
                ("coclick.meetings.each{full = 'yes'}", "bad argument #1 to 'each' (field 'full': boolean expected, got string)"),
                ("coclick.meetings.all{limit = -1}", "bad argument #1 to 'all' (field 'limit': must be at least 0, got -1)"),
                ("coclick.meetings.get_many({'a', 2})", "bad argument #1 to 'get_many' (ids[2]: string expected, got number)"),
                (
                    "coclick.meetings.get_many({'a'}, {concurrency = 0})",
                    "bad argument #2 to 'get_many' (field 'concurrency': must be at least 1, got 0)"
                ),
                ("coclick.http.post_json('ftp://x', {})", "bad argument #1 to 'post_json' (URL must start with http:// or https://)"),
                ("coclick.http.post_json('http://x')", "bad argument #2 to 'post_json' (value expected)"),
                (
                    "coclick.http.post_json('http://x', {f = print})",
                    "bad argument #2 to 'post_json' (cannot convert a function value at $.f)"
                ),
                (
                    "coclick.http.post_json('http://x', {}, {headers = {A = {}}})",
                    "bad argument #3 to 'post_json' (field 'headers': \"A\": string expected, got table)"
                ),
            ]
            for (code, expected) in cases {
                let got = try message(code, state)
                h.check { #expect(got?.hasSuffix(expected) == true, "\(code): \(got ?? "no error")") }
            }
            // Nothing reached the server: arguments are checked before any request.
            h.check { #expect(h.server.stats.requests == 0) }
        }
    }

    @Test func aFailingClientFactoryIsAConfigurationError() throws {
        struct NoKey: Error, CustomStringConvertible {
            var description: String { "no API key pair: set COCLICK_SECRET_ID and COCLICK_SECRET_KEY" }
        }
        let state = try LuaState()
        var calls = 0
        CoClickBindings.install(in: state) {
            calls += 1
            throw NoKey()
        }
        let result = try run(
            """
            local ok, err = pcall(coclick.auth)
            return ok, err.kind, err.message, err.status, tostring(err), select(2, pcall(coclick.meetings.list)).kind
            """, state)
        #expect(
            result == [
                .bool(false), .string("configuration"),
                .string("no API key pair: set COCLICK_SECRET_ID and COCLICK_SECRET_KEY"), .null,
                .string("CoClick configuration: no API key pair: set COCLICK_SECRET_ID and COCLICK_SECRET_KEY"),
                .string("configuration"),
            ])
        #expect(calls == 2)
        // Argument errors come first: no client is needed to report them.
        #expect(try message("coclick.meetings.get(1)", state)?.contains("string expected, got number") == true)
        #expect(calls == 2)
        do {
            _ = try state.evaluate("coclick.meetings.get('x')")
            Issue.record("expected an error")
        } catch let error as LuaError {
            #expect(error.fields?["kind"] == .string("configuration"))
        }
    }

    @Test func injected503IsRetriedTransparently() async throws {
        try await withBindings(meetings: 5) { h in
            let state = try h.makeState()
            let id = try #require(try run("return coclick.meetings.list{}[1].id", state).first??.stringValue)
            h.server.setFaults(try FaultPlan(parsing: "503=x2"))
            setGlobal(state, "ID", .string(id))
            let got = try run("return coclick.meetings.get(ID).id", state)
            h.check { #expect(got == [.string(id)]) }
            let attempts = h.attempts("GET", "/meetings/" + id)
            h.check { #expect(attempts.map(\.status) == [503, 503, 200]) }
            // Past the retries, the failure is an `unavailable` table.
            h.server.setFaults(try FaultPlan(parsing: "503=x10"))
            let result = try run("local ok, err = pcall(coclick.meetings.get, ID) return ok, err.kind, err.status", state)
            h.check { #expect(result == [.bool(false), .string("unavailable"), .integer(503)]) }
        }
    }

    /// Ctrl-C while a page request hangs at the sandbox: the interrupt does not wait for it (the
    /// request would time out after 10 s and its retry succeed: the loop would end normally).
    @Test func interruptStopsAWaitingIterator() async throws {
        try await withBindings(meetings: 5, faults: "hang=x1") { h in
            let state = try h.makeState()
            let server = h.server
            interrupt(state, when: { server.stats.faultsInjected == 1 })
            do {
                _ = try state.evaluate("for m in coclick.meetings.each{} do end")
                h.check { Issue.record("expected an interruption") }
            } catch let error as LuaError {
                h.check { #expect(error.kind == .interrupted) }
                h.check { #expect(error.message.contains("interrupted!")) }
            }
            h.check { #expect(server.stats.faultsInjected == 1) }
        }
    }

    /// Raising from a real binding, again and again, leaks nothing: the argument error is raised
    /// by C after the Swift frame is gone.
    @Test func raisingBindingCallsLeaveMemoryFlat() async throws {
        try await withBindings(meetings: 1) { h in
            let state = try h.makeState()
            let script = """
                local pcall, get = pcall, coclick.meetings.get
                for i = 1, N do pcall(get, i) end
                collectgarbage() collectgarbage()
                """
            _ = try run("N = 20000", state)
            _ = try run(script, state)  // warm up
            let luaBefore = state.memoryInUse
            _ = try run("N = 300000", state)
            _ = try run(script, state)
            let luaGrowth = state.memoryInUse - luaBefore
            // The process's RSS is shared with the suites running alongside: the Swift side of
            // the error path is measured in a process of its own (coclickTests, ErrorPathMemoryTests).
            h.check { #expect(luaGrowth < 64 << 10, "the Lua heap grew by \(luaGrowth) bytes") }
            h.check { #expect(h.server.stats.requests == 0) }
        }
    }
}
