import CoClickAPI
import Testing

@testable import CoClickLua

@Suite struct BridgeTests {
    /// Pushes `value` into Lua, stores it as global `v`, and reads it back.
    func roundTrip(_ value: JSONValue, nulls: LuaNullPolicy = .jsonNull) throws -> JSONValue {
        let state = try LuaState()
        state.stack.push(value, nulls: nulls)
        let back = try state.stack.toJSON(-1)
        state.stack.pop()
        return back
    }

    @Test func valuesRoundTrip() throws {
        let value: JSONValue = .object([
            "id": .string("abc"), "n": .integer(17), "x": .number(1.0), "big": .integer(Int64.max),
            "neg": .integer(Int64.min), "pi": .number(3.25), "ok": .bool(false),
            "list": .array([.integer(1), .string("é"), .null, .array([])]),
            "empty": .object([:]), "nested": .object(["a": .object(["b": .array([.bool(true)])])]),
        ])
        #expect(try roundTrip(value) == value)
    }

    @Test func integersAndFloatsStayApart() throws {
        #expect(try eval("return 1, 1.0, 2^53, 3 // 2, 3 / 2") == [.integer(1), .number(1.0), .number(9007199254740992), .integer(1), .number(1.5)])
    }

    @Test func nullsBecomeAbsentFieldsForMeetings() throws {
        let meeting: JSONValue = .object(["id": .string("m1"), "custom_data": .null, "tags": .array([.null, .integer(2)])])
        let back = try roundTrip(meeting, nulls: .absent)
        #expect(back == .object(["id": .string("m1"), "tags": .array([.null, .integer(2)])]))
        let state = try LuaState()
        setGlobal(state, "m", meeting, nulls: .absent)
        #expect(try eval("return m.custom_data == nil, m.tags[1] == json.null, #m.tags", state) == [.bool(true), .bool(true), .integer(2)])
    }

    @Test func emptyTablesAreObjectsUnlessMarked() throws {
        #expect(try eval("return {}, json.array{}, json.object{}") == [.object([:]), .array([]), .object([:])])
        #expect(try evalString("return json.encode({a = {}, b = json.array(), c = json.decode('[]')})") == #"{"a":{},"b":[],"c":[]}"#)
    }

    @Test func hostileValuesAreRefusedWithTheirPath() throws {
        let cases: [(String, String)] = [
            ("local t = {}; t.self = t; return t", "cycle at $.self"),
            ("return {a = {[true] = 1}}", "key of type boolean at $.a"),
            ("return {custom_data = {[1.5] = 1}}", "key of type float at $.custom_data"),
            ("return {a = {{}, {[{}] = 1}}}", "key of type table at $.a[2]"),
            ("return {x = 0/0}", "NaN at $.x"),
            ("return {x = {1, -math.huge}}", "infinity at $.x[2]"),
            ("return {list = {1, nil, 3}}", "sparse array (2 items, largest index 3) at $.list"),
            ("return {1, 2, name = 'x'}", "a table mixes integer and string keys at $"),
            ("return {f = print}", "cannot convert a function value at $.f"),
            ("return {[0] = 'zero'}", "integer key 0 at $"),
        ]
        for (code, message) in cases {
            let state = try LuaState()
            try state.load(code)
            try state.call(results: 1)
            #expect(throws: LuaBridgeError(message)) { try state.stack.toJSON(-1) }
            state.stack.pop()
        }
    }

    @Test func depthIsLimited() throws {
        let state = try LuaState()
        try state.load("local t = {} local c = t for i = 1, 250 do c.x = {} c = c.x end return t")
        try state.call(results: 1)
        #expect(throws: LuaBridgeError.self) { try state.stack.toJSON(-1) }
        let deep = try eval("local t = {} local c = t for i = 1, 150 do c.x = {} c = c.x end return t")
        #expect(deep.first! != nil)
    }

    @Test func objectsWithIntegerKeysWhenMarked() throws {
        #expect(try eval("return json.object{[1] = 'a', [3] = 'b'}") == [.object(["1": .string("a"), "3": .string("b")])])
    }
}

extension LuaBridgeError: Equatable {
    public static func == (a: LuaBridgeError, b: LuaBridgeError) -> Bool { a.message == b.message }
}
