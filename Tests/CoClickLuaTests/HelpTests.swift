import Testing

@testable import CoClickLua

/// `help()`'s pieces that need a state: a value mapped back to its doc, and the width the host
/// measures (CoClickLua measures no terminal).
@Suite struct HelpTests {
    @Test func aFunctionMapsBackToItsDocByIdentity() throws {
        let state = try LuaState()
        _ = try state.evaluate("alias = coclick.time.parse; other = function() end")
        let s = state.stack
        s.pushRawPath(["alias"])
        #expect(BindingDocs.path(of: -1, in: s) == "coclick.time.parse")
        s.pop()
        s.pushRawPath(["other"])
        #expect(BindingDocs.path(of: -1, in: s) == nil)
        s.pop()
        s.pushRawPath(["coclick", "time"])
        #expect(BindingDocs.path(of: -1, in: s) == "coclick.time")
        s.pop()
        #expect(s.top == 0)
    }

    @Test func helpFitsTheWidthTheHostGives() throws {
        let state = try LuaState()
        let s = state.stack
        #expect(s.top == 0)  // no argument: help()
        let narrow = BindingDocs.helpText(s, width: { 60 })
        #expect(narrow == BindingDocs.overview(width: 60))
        #expect(narrow != BindingDocs.overview(width: 100))
        // Not a terminal: 100 columns.
        #expect(BindingDocs.helpText(s, width: { nil }) == BindingDocs.overview(width: 100))
    }

    @Test func ppFitsTheWidthTheHostMeasures() throws {
        let rows = """
            local rows = {}
            for i = 1, 3 do
              rows[i] = {id = i, user = "someone" .. i .. "@example.com", status = "scheduled", starts_at = "2026-01-0" .. i .. "T09:00:00+01:00"}
            end
            return rows
            """
        func rendered(columns: Int?) throws -> String {
            let state = try LuaState(configuration: .init(terminalColumns: { columns }))
            return try #require(state.evaluate(rows).first).rendered
        }
        // Wide enough: one aligned table; too narrow for it: each row as a record.
        #expect(!(try rendered(columns: 200)).contains("-[ 1 ]"))
        #expect(try rendered(columns: 30).hasPrefix("-[ 1 ]"))
    }
}
