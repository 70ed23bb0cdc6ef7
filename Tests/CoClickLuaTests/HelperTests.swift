import CoClickAPI
import Foundation
import Testing

@testable import CoClickLua

@Suite struct CSVTests {
    @Test func roundTripWithQuotesCommasNewlines() throws {
        let state = try LuaState()
        let text = try #require(
            try evalString(
                """
                rows = {
                  {id = "1", note = 'say "hi", then\\nleave', n = 3},
                  {id = "2", note = "plain", extra = true},
                }
                return csv.encode(rows)
                """, state))
        #expect(text == "id,extra,n,note\r\n1,,3,\"say \"\"hi\"\", then\nleave\"\r\n2,true,,plain\r\n")
        #expect(
            try eval(
                """
                local back = csv.decode(csv.encode(rows, {"id", "note"}))
                return #back, back[1].id, back[1].note, back[2].note, back[1].n
                """, state) == [.integer(2), .string("1"), .string("say \"hi\", then\nleave"), .string("plain"), .null])
    }

    @Test func nestedValuesAreJSON() throws {
        #expect(try evalString("return csv.encode({{id = 'a', data = {x = 1}}})") == "id,data\r\na,\"{\"\"x\"\":1}\"\r\n")
    }

    @Test func refusesBadInputNamingTheFileLine() throws {
        // The header is line 1; a blank line and a quoted field over two lines count as the file does.
        let cases: [(String, String)] = [
            (#"return 'a,b\n1,2,3\n'"#, "csv.decode: line 2 has 3 fields, the header 2"),
            (#"return 'a,b\n\n"x\ny",2\n3,4,5\n'"#, "csv.decode: line 5 has 3 fields, the header 2"),
            (#"return 'a,b\r\n1,2\r\n"open,3\r\n4,5\r\n'"#, "csv.decode: line 3: unterminated quote"),
            (#"return 'a,b\n"x"y,2\n'"#, "csv.decode: line 2: text after a closing quote"),
            (#"return 'name\nok\ncaf\xe9\n'"#, "csv.decode: line 3 is not UTF-8 text (byte 0xE9): save the file as UTF-8"),
            (#"return 'name\r\n"a\rb"\r\n\xc0\xaf\r\n'"#, "csv.decode: line 4 is not UTF-8 text (byte 0xC0): save the file as UTF-8"),
            ("return ''", "csv.decode: no header row"),
        ]
        let state = try LuaState()
        for (code, message) in cases {
            let error = try #require(try evalError("csv.decode((function() \(code) end)())", state), "\(code)")
            #expect(error.message.hasSuffix(message), "\(code): \(error.message)")
        }
    }

    @Test func dropsAByteOrderMarkAndGivesEachRowsLine() throws {
        // Excel's "CSV UTF-8" starts with EF BB BF: without it dropped, the first column would be
        // named "\u{FEFF}user" and every row would lack a user.
        #expect(
            try eval(
                """
                assert(select('#', csv.decode('a\\n1\\n')) == 1, "lines only when asked")
                local rows, lines = csv.decode('\\xEF\\xBB\\xBFuser,note\\r\\nal,"two\\r\\nlines"\\r\\n\\r\\nbo,caf\\xC3\\xA9\\r\\n', {lines = true})
                return #rows, rows[1].user, rows[1].note, rows[2].user, rows[2].note, lines[1], lines[2], #lines
                """) == [
                    .integer(2), .string("al"), .string("two\r\nlines"), .string("bo"), .string("café"),
                    .integer(2), .integer(5), .integer(2),
                ])
    }
}

/// TZ is process-wide: the suites that read local time run one at a time, under one zone.
@Suite(.serialized) struct TimeTests {
    init() { setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1) }

    @Test func parse() throws {
        #expect(
            try eval(
                """
                local p = coclick.time.parse
                return p("2021-10-30T14:29:33.000+02:00"), p("2021-10-30T12:29:33Z"), p("2021-10-30T12:29:33.250Z"),
                       p("2021-10-30T14:29:33+0200"), p("2021-10-30T14:29:33.000"), p("2021-10-30")
                """) == [
                    .integer(1635596973), .integer(1635596973), .number(1635596973.25),
                    .integer(1635596973), .integer(1635596973), .integer(1635544800),
                ])
        let bad = try #require(try evalError("coclick.time.parse('2021-02-30T00:00:00Z')"))
        #expect(bad.message.contains("bad argument #1 to 'parse' (not an ISO 8601 date: 2021-02-30T00:00:00Z)"))
    }

    @Test func format() throws {
        #expect(
            try eval(
                """
                local f = coclick.time.format
                return f(1635596973), f(1635596973, "utc"), f(1635596973.25, "local"), f(1640995200)
                """) == [
                    .string("2021-10-30T14:29:33.000+02:00"), .string("2021-10-30T12:29:33.000Z"),
                    .string("2021-10-30T14:29:33.250+02:00"), .string("2022-01-01T01:00:00.000+01:00"),
                ])
        #expect(try evalError("coclick.time.format(0, 'mars')")?.message.contains("\"utc\" or \"local\" expected") == true)
    }

    @Test func day() throws {
        // 2021-10-31 is 25 hours long in Central Europe.
        #expect(try eval("return coclick.time.day(coclick.time.parse('2021-10-31T12:00:00Z'))") == [.integer(1635631200), .integer(1635721200)])
        #expect(try eval("local s, e = coclick.time.day() return s <= os.time() and os.time() < e") == [.bool(true)])
    }

    @Test func logLines() throws {
        final class Lines: @unchecked Sendable { var all: [String] = [] }
        let lines = Lines()
        let state = try LuaState(configuration: .init(quiet: false, logSink: { lines.all.append($0) }))
        _ = try eval("log.info('hello', 42, nil) log.warn('careful') log.error({})", state)
        #expect(lines.all.count == 3)
        let first = try #require(lines.all.first)
        #expect(first.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO hello 42 nil$"#, options: .regularExpression) != nil)
        #expect(lines.all[1].hasSuffix(" WARN careful"))
        let quiet = try LuaState(configuration: .init(quiet: true, logSink: { lines.all.append($0) }))
        _ = try eval("log.info('hidden') log.warn('shown')", quiet)
        #expect(lines.all.count == 4)
        #expect(lines.all[3].hasSuffix("WARN shown"))
    }
}

@Suite struct PrettyPrintTests {
    func render(_ code: String) throws -> String {
        let state = try LuaState()
        return try state.evaluate(code).map(\.rendered).joined(separator: "\t")
    }

    @Test func scalarsAndNesting() throws {
        #expect(try render(#"return "a\nb", 1, 1.0, true, nil, json.null"#) == "\"a\\nb\"\t1\t1.0\ttrue\tnil\tjson.null")
        #expect(try render("return {b = 1, a = 'x', [1] = true}") == #"{[1] = true, a = "x", b = 1}"#)
        #expect(
            try render("return {list = {1, 2, 3}, nested = {deep = {x = {1, {y = 2}}}}}")
                == "{list = {1, 2, 3}, nested = {deep = {x = {1, {y = 2}}}}}")
        #expect(
            try render("return {list = {1, 2, 3}, nested = {deep = {x = {1, {y = 2}}}}, text = ('x'):rep(60)}") == """
                {
                  list = {1, 2, 3},
                  nested = {deep = {x = {1, {y = 2}}}},
                  text = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                }
                """)
        #expect(try render("local t = {name = 'loop'} t.self = t return t") == #"{name = "loop", self = <cycle>}"#)
        #expect(try render("return {['not ok'] = 1, ['end'] = 2}") == #"{["end"] = 2, ["not ok"] = 1}"#)
    }

    @Test func arraysOfRecordsAreTables() throws {
        #expect(
            try render(
                """
                return {
                  {status = "scheduled", id = "m1", user = "ann", duration = 30},
                  {id = "m22", user = "bob", status = "closed", duration = 5, custom_data = {x = 1}},
                }
                """) == """
                    id   user  status     custom_data  duration
                    ---  ----  ---------  -----------  --------
                    m1   ann   scheduled                     30
                    m22  bob   closed     {"x":1}             5
                    """)
    }

    @Test func longOutputIsCut() throws {
        let text = try render("local t = {} for i = 1, 1000 do t[i] = {i} end return t")
        #expect(text.hasSuffix("... (900 more items)\n}"))
        let fields = try render("local t = {} for i = 1, 500 do t['k' .. i] = i end return t")
        #expect(fields.hasSuffix("... (400 more fields)\n}"))
        let lines = try render("local t = {} for i = 1, 100 do t['k' .. i] = {a = ('x'):rep(50), b = ('y'):rep(50)} end return t")
        #expect(lines.split(separator: "\n").count == 401)
        #expect(lines.hasSuffix("\n... (2 more lines)"))
    }

    /// The REPL's rendering: `options` as the REPL passes them.
    func render(_ code: String, options: RenderOptions) throws -> String {
        let state = try LuaState()
        try state.load(code)
        try state.call(results: 1)
        defer { state.stack.pop() }
        return state.render(-1, options: options)
    }

    static let meetings = """
        local rows = {}
        for i = 1, 3 do
          rows[i] = {id = ("%064x"):format(i * 7919), user = "bruno.silva@acme-demo.example",
                     status = "scheduled", starts_at = "2026-11-19T16:45:14.000+00:00"}
        end
        """

    @Test func idsStayWholeAndOtherColumnsNarrow() throws {
        let text = try render(Self.meetings + "\nreturn rows", options: RenderOptions(width: 110))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        for (line, i) in zip(lines.dropFirst(2), 1...) {
            #expect(line.hasPrefix(String(format: "%064x  ", i * 7919)), "row: \(line)")
            #expect(line.contains("…"))  // user and starts_at narrowed instead
            #expect(line.count <= 110)
        }
        // With room, nothing is cut.
        let wide = try render(Self.meetings + "\nreturn rows", options: RenderOptions(width: 200))
        #expect(!wide.contains("…"))
        #expect(wide.contains("bruno.silva@acme-demo.example  scheduled  2026-11-19T16:45:14.000+00:00"))
    }

    @Test func aTableTooWideShowsItsRowsAsRecords() throws {
        let text = try render(Self.meetings + "\nreturn rows", options: RenderOptions(width: 90))
        #expect(text.hasPrefix("-[ 1 ]---"))
        #expect(text.contains("\n-[ 3 ]---"))
        #expect(text.contains("\nid         " + String(format: "%064x", 2 * 7919) + "\n"))
        #expect(text.contains("\nuser       bruno.silva@acme-demo.example\n"))
        #expect(!text.contains("…"))
    }

    @Test func aMeetingIsARecordWithNestedValuesIndented() throws {
        let text = try render(
            """
            return {token = "abc", id = "abc", status = "closed", user = "ann@example.com", duration = 30,
                    custom_data = {user_id = 17, username = "Phil"},
                    cobrowsing_cookies_data = {{name = "sid", value = "x1"}}, tags = {"a", "b"}}
            """, options: RenderOptions(width: 100))
        #expect(
            text == """
                id                       abc
                user                     ann@example.com
                status                   closed
                cobrowsing_cookies_data
                  name  value
                  ----  -----
                  sid   x1
                custom_data
                  user_id   17
                  username  Phil
                duration                 30
                tags                     {"a", "b"}
                token                    abc
                """)
    }

    @Test func theREPLsLimitsShowEveryRow() throws {
        let code = "local t = {} for i = 1, 1000 do t[i] = {id = 'r' .. i} end return t"
        let whole = try render(code, options: RenderOptions(items: 100_000, lines: 1_000_000))
        #expect(whole.split(separator: "\n").count == 1002)
        #expect(whole.hasSuffix("\nr1000"))
        let cut = try render(code, options: RenderOptions(items: 10))
        #expect(cut.hasSuffix("\n... (990 more rows)"))
    }

    @Test func tabulate() throws {
        #expect(
            try evalString("return coclick.tabulate({{a = 1, b = 'x'}, {a = 22}}, {'b', 'a'})") == """
                b   a
                -  --
                x   1
                   22
                """)
    }
}
