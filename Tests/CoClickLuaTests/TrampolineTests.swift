import CoClickAPI
import Testing

@testable import CoClickLua

@Suite struct TrampolineTests {
    func stateWithBindings() throws -> LuaState {
        let state = try LuaState()
        state.register("get", in: "api") { call in
            let id = try call.string(1)
            call.push("meeting " + id)
            return .values(1)
        }
        state.register("list", in: "api") { call in
            let options = try call.optionalTable(1)
            let per = try options.flatMap { try call.integerField($0, "per") } ?? 20
            call.push(per)
            return .values(1)
        }
        state.register("fail", in: "api") { _ in throw LuaScriptError("it failed") }
        state.register("reject", in: "api") { call in
            throw TestAPIError(status: 422, message: "user: User must exist")
        }
        state.register("sum") { call in
            var total: Int64 = 0
            for i in 1...max(1, call.argumentCount) where call.argumentCount > 0 { total += try call.integer(i) }
            call.push(total)
            return .values(1)
        }
        return state
    }

    @Test func argumentErrorsNameArgumentAndBinding() throws {
        let state = try stateWithBindings()
        let error = try #require(try evalError("api.get(42 > 1)", state))
        #expect(error.message == "(command line):1: bad argument #1 to 'get' (string expected, got boolean)")
        #expect(error.traceback?.hasPrefix("stack traceback:") == true)
        let field = try #require(try evalError("api.list{per = 'many'}", state))
        #expect(field.message == "(command line):1: bad argument #1 to 'list' (field 'per': integer expected, got string)")
        let missing = try #require(try evalError("return sum(1, 2.5)", state))
        #expect(missing.message == "(command line):1: bad argument #2 to 'sum' (number has no integer representation)")
        #expect(
            try eval("return sum(1, 2, 3), api.get(7), api.list{per = 5}, api.list()", state) == [
                .integer(6), .string("meeting 7"), .integer(5), .integer(20),
            ])
    }

    @Test func errorsFromSwiftAreCaughtByPcall() throws {
        let state = try stateWithBindings()
        #expect(try eval("local ok, err = pcall(api.fail) return ok, err", state) == [.bool(false), .string("it failed")])
        #expect(try eval("local ok, err = pcall(function() api.fail() end) return err", state) == [.string("(command line):1: it failed")])
        #expect(
            try eval("local ok, err = pcall(api.get) return err", state) == [.string("bad argument #1 to 'api.get' (string expected, got no value)")],
            "called through pcall, Lua cannot name the function: the registered name stands in")
    }

    @Test func errorTablesKeepFieldsAndReadWell() throws {
        let state = try stateWithBindings()
        #expect(
            try eval(
                """
                local ok, err = pcall(api.reject)
                return type(err), err.kind, err.status, tostring(err), getmetatable(err).__name
                """, state) == [
                    .string("table"), .string("validation"), .integer(422),
                    .string("CoClick 422: user: User must exist"), .string("coclick.error"),
                ])
        let uncaught = try #require(try evalError("api.reject()", state))
        #expect(uncaught.message == "CoClick 422: user: User must exist")
        #expect(uncaught.fields?["kind"] == .string("validation"))
        #expect(uncaught.fields?["status"] == .integer(422))
        #expect(uncaught.traceback?.contains("(command line):1") == true)
    }

    @Test func bindingsAreReleased() throws {
        final class Counter { var n = 0 }
        weak var made: Counter?
        weak var registered: Counter?
        do {
            let state = try LuaState()
            let kept = Counter()
            registered = kept
            state.register("touch") { [kept] _ in
                kept.n += 1
                return .none
            }
            state.register("make") { call in
                let captured = Counter()
                made = captured
                call.push(function: { call in
                    captured.n += 1
                    call.push(captured.n)
                    return .values(1)
                })
                return .values(1)
            }
            // A global keeps the function alive until the script drops it (the generational
            // collector may take an unreferenced one at any allocation).
            #expect(try eval("touch() F = make() F() return F()", state) == [.integer(2)])
            #expect(made != nil)
            _ = try eval("F = nil collectgarbage() collectgarbage()", state)
            #expect(made == nil)  // a function value: released by __gc
            #expect(registered != nil)  // a registered binding lives as long as the state
        }
        #expect(registered == nil)
    }

    @Test func functionBindingsBehaveAsClosureBindings() throws {
        let state = try LuaState()
        state.register(
            "get", in: "fn",
            function: { L, _ in
                LuaBinding.run(L) { call in
                    call.push("meeting " + (try call.string(1)))
                    return .values(1)
                }
            })
        state.register("fail", in: "fn", function: { L, _ in LuaBinding.run(L) { _ in throw LuaScriptError("it failed") } })
        state.register(
            "reject", in: "fn",
            function: { L, _ in
                LuaBinding.run(L) { _ in
                    throw TestAPIError(status: 422, message: "user: User must exist")
                }
            })
        #expect(try eval("return fn.get('7')", state) == [.string("meeting 7")])
        let error = try #require(try evalError("fn.get({})", state))
        #expect(error.message == "(command line):1: bad argument #1 to 'get' (string expected, got table)")
        #expect(
            try eval("local ok, err = pcall(fn.get) return err", state) == [.string("bad argument #1 to 'fn.get' (string expected, got no value)")])
        #expect(try eval("local ok, err = pcall(function() fn.fail() end) return err", state) == [.string("(command line):1: it failed")])
        #expect(
            try eval("local ok, err = pcall(fn.reject) return err.status, tostring(err)", state) == [
                .integer(422), .string("CoClick 422: user: User must exist"),
            ])
    }

    @Test func bindingsStillWorkAndAreNamedWhenTheSlotPoolIsFull() throws {
        // More permanent bindings than the process-wide pool holds: the rest become closures.
        let state = try LuaState()
        let count = 300
        for i in 1...count {
            if i % 2 == 0 {
                state.register("b\(i)", in: "many") { call in
                    call.push(try call.integer(1) + Int64(i))
                    return .values(1)
                }
            } else {
                state.register(
                    "b\(i)", in: "many",
                    function: { L, _ in
                        LuaBinding.run(L) { call in
                            call.push(try call.integer(1) * 2)
                            return .values(1)
                        }
                    })
            }
        }
        #expect(try eval("return many.b\(count)(1), many.b\(count - 1)(21)", state) == [.integer(Int64(count) + 1), .integer(42)])
        for i in [count - 1, count] {
            #expect(
                try eval("local ok, err = pcall(many.b\(i), 'x') return err", state) == [
                    .string("bad argument #1 to 'many.b\(i)' (number expected, got string)")
                ])
        }
    }

    @Test func syntaxErrorsAndIncompleteInput() throws {
        let state = try LuaState()
        let incomplete = try #require(try evalError("for i = 1, 2 do", state))
        #expect(incomplete.kind == .syntax)
        #expect(incomplete.isIncompleteInput)
        let bad = try #require(try evalError("x = = 1", state))
        #expect(bad.kind == .syntax)
        #expect(!bad.isIncompleteInput)
    }
}

struct TestAPIError: LuaErrorConvertible {
    var status: Int
    var message: String
    func pushLuaError(_ call: LuaCall) {
        call.pushErrorTable(
            fields: [
                "kind": .string("validation"), "status": .integer(Int64(status)),
                "message": .string(message),
            ],
            description: "CoClick \(status): \(message)")
    }
}
