import CoClickAPI
import Foundation
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

    /// A page's meetings go from the body to Lua without a `JSONValue` (`push(meetingIn:at:)`):
    /// the tables must be those the `JSONValue` path makes (nulls left out, `id` from `token`).
    @Test func meetingsFromAParsedPageMatchTheValuePath() throws {
        let deep = String(repeating: "[", count: 230) + String(repeating: "]", count: 230)
        let text = #"""
            [{"id": "a1", "user": "u@x", "status": null, "custom_data": {"k": [1, null, 2.5, "\u00e9\n"], "z": null}, "n": -7},
             {"token": "t2", "id": null, "starts_at": "2026-01-02T03:04:05Z", "cobrowsing_cookies_data": []},
             {"id": "dup", "x": 1, "x": null, "y": null, "y": true, "deep": \#(deep)},
             {"token": "t4", "e": {}, "s": "caf\u00e9 \"q\""}]
            """#
        let document = try JSONDocument.parse(Data(text.utf8))
        let items = document.elements(of: JSONDocument.root)
        #expect(items.count == 4)
        let state = try LuaState()
        for item in items {
            state.pushTable(path: nil)
            state.stack.push(meetingIn: document, at: item)
            state.stack.setField(-2, "direct")
            state.stack.push(meeting: MeetingRecord(try MeetingSummary(json: document.value(at: item))))
            state.stack.setField(-2, "built")
            state.stack.pop()
            // Compared in Lua: the deep value is cut to json.null at the same depth on both paths,
            // arrays keep their mark, integers and floats stay apart.
            let same = try eval(
                """
                local function same(x, y)
                  if type(x) ~= type(y) or math.type(x) ~= math.type(y) then return false end
                  if type(x) ~= 'table' then return x == y end
                  if getmetatable(x) ~= getmetatable(y) then return false end
                  for k, v in pairs(x) do if not same(v, y[k]) then return false end end
                  for k in pairs(y) do if x[k] == nil then return false end end
                  return true
                end
                return same(direct, built), direct.id
                """, state)
            #expect(same.first == .bool(true))
        }
        #expect(
            try eval("return direct.id, direct.token, direct.s, direct.e ~= nil", state) == [
                .string("t4"), .string("t4"), .string("café \"q\""), .bool(true),
            ])
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
