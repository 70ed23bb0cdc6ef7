import CoClickAPI
import Testing

@testable import CoClickLua

@Suite struct JSONTests {
    @Test func decodesEscapesAndUnicode() throws {
        #expect(try evalString(#"return json.decode('"a\\n\\t\\"\\\\\\/ \\u00e9 \\u20ac \\ud83d\\ude00"')"#) == "a\n\t\"\\/ é € 😀")
        #expect(try evalString(#"return json.encode("é😀\n\1")"#) == #""é😀\n\u0001""#)
    }

    @Test func decodesNumbers() throws {
        #expect(
            try eval(
                """
                local t = json.decode('[0, -7, 1.0, 1e3, 9223372036854775807, 9223372036854775808, -1.5e-3, 123456789012345678]')
                return t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], math.type(t[3])
                """) == [
                    .integer(0), .integer(-7), .number(1.0), .number(1000), .integer(Int64.max),
                    .number(9223372036854775808), .number(-0.0015), .integer(123456789012345678), .string("float"),
                ])
    }

    @Test func encodesNumbers() throws {
        #expect(
            try evalString("return json.encode({1, 1.0, 0.1, 1e300, -0.5, math.maxinteger, 2^63})")
                == "[1,1.0,0.1,1e+300,-0.5,9223372036854775807,9.223372036854776e+18]")
    }

    @Test func invalidInputNamesTheByte() throws {
        let cases: [(String, String)] = [
            (#"{"a": 1,}"#, "expected a string key at byte 9"),
            ("[1, 2", "unterminated array at byte 6"),
            (#"{"a" 1}"#, "expected ':' at byte 6"),
            ("tru", "invalid literal at byte 1"),
            ("01", "leading zero in number at byte 2"),
            (#""\ud800""#, "high surrogate not followed by a low surrogate at byte 2"),
            (#""\udc00""#, "lone low surrogate in unicode escape at byte 2"),
            (#""abc"#, "unterminated string at byte 5"),
            ("[1] x", "trailing characters after the value at byte 5"),
            ("", "unexpected end of input at byte 1"),
            ("\"a\u{1}\"", "control character in string at byte 3"),
        ]
        let state = try LuaState()
        for (text, message) in cases {
            setGlobal(state, "input", .string(text))
            let error = try #require(try evalError("return json.decode(input)", state), "\(text)")
            #expect(
                error.message == "(command line):1: json.decode: " + message || error.message == "json.decode: " + message,
                "\(text): \(error.message)")
        }
    }

    /// What json.encode refuses (invalid, overlong or surrogate UTF-8; infinities), json.decode
    /// refuses too, naming the byte, so that a decoded value always encodes back.
    @Test func decodeRefusesWhatEncodeRefuses() throws {
        let cases: [(String, String)] = [
            (#"return '"ab\xff"'"#, "invalid UTF-8 in a string at byte 4"),
            (#"return '"\xc0\xaf"'"#, "invalid UTF-8 in a string at byte 2"),
            (#"return '"\xe0\x80\xaf"'"#, "invalid UTF-8 in a string at byte 2"),
            (#"return '["x\xed\xa0\x80"]'"#, "invalid UTF-8 in a string at byte 4"),
            (#"return '"\xf4\x90\x80\x80"'"#, "invalid UTF-8 in a string at byte 2"),
            (#"return '"\\t caf\xe9"'"#, "invalid UTF-8 in a string at byte 8"),
            ("return '[1e400]'", "number out of range at byte 2"),
        ]
        let state = try LuaState()
        for (code, message) in cases {
            let error = try #require(try evalError("json.decode((function() \(code) end)())", state), "\(code)")
            #expect(error.message.hasSuffix("json.decode: " + message), "\(code): \(error.message)")
        }
        // A string that starts with an escape takes the scratch buffer's first bytes (once a
        // memcpy from a NULL buffer, which UBSan flags: scripts/test-c checks that under UBSan).
        #expect(try evalString(#"return json.encode(json.decode('["\\u00e9t\xc3\xa9", "\\n"]'))"#) == #"["été","\n"]"#)
    }

    @Test func depthLimit() throws {
        let state = try LuaState()
        #expect(try eval("return #json.decode(string.rep('[', 200) .. string.rep(']', 200))", state) == [.integer(1)])
        let error = try #require(try evalError("json.decode(string.rep('[', 201) .. string.rep(']', 201))", state))
        #expect(error.message.contains("json.decode: nesting deeper than 200 at byte 201"))
        let encode = try #require(try evalError("local t = {} local c = t for i = 1, 201 do c[1] = {} c = c[1] end json.encode(t)", state))
        #expect(encode.message.contains("json.encode: nesting deeper than 200 at $[1][1]"))
    }

    @Test func encodeRefusesHostileValuesWithPath() throws {
        let cases: [(String, String)] = [
            ("local t = {a = {}} t.a.b = t return t", "json.encode: cycle at $.a.b"),
            ("return {custom_data = {[true] = 1}}", "json.encode: key of type boolean at $.custom_data"),
            ("return {x = {0/0}}", "json.encode: NaN at $.x[1]"),
            ("return {1, nil, 3}", "json.encode: sparse array (2 items, largest index 3) at $"),
            ("return {f = function() end}", "json.encode: cannot encode a function value at $.f"),
            ("return {s = '\\xff'}", "json.encode: invalid UTF-8 in a string at $.s"),
        ]
        let state = try LuaState()
        for (code, message) in cases {
            let error = try #require(try evalError("json.encode((function() \(code) end)())", state))
            #expect(error.message.hasSuffix(message), "\(error.message)")
        }
    }

    @Test func roundTripsKeepNullAndEmptyArrays() throws {
        let text = #"{"a":[],"b":{},"c":null,"d":[null,1,"x"],"e":1.5,"f":true}"#
        #expect(try evalString("return json.encode(json.decode('\(text)'))") == text)
        #expect(try eval("local t = json.decode('{\"c\": null}') return t.c == json.null") == [.bool(true)])
    }

    @Test func prettyOutput() throws {
        #expect(try evalString("return json.encode({b = {1, 2}, a = {}}, {pretty = true})") == "{\n  \"a\": {},\n  \"b\": [\n    1,\n    2\n  ]\n}")
    }

    @Test func bigInput() throws {
        let state = try LuaState()
        #expect(
            try eval(
                """
                local items = {}
                for i = 1, 20000 do items[i] = {id = tostring(i), n = i, tags = {"a", "b"}, note = "é\\n"} end
                local back = json.decode(json.encode(items))
                return #back, back[20000].n, back[7].note
                """, state) == [.integer(20000), .integer(20000), .string("é\n")])
    }
}
