import CoClickLua
import Testing
@testable import CoClickShell

@Suite("REPL completion")
struct REPLCompletionTests {
    private func completer(_ setup: String = "") throws -> (Completer, LuaState) {
        let state = try LuaState()
        if !setup.isEmpty { _ = try state.evaluate(setup) }
        return (Completer(state: state), state)
    }

    @Test func globalNamesComplete() throws {
        let (completer, _) = try completer()
        #expect(completer.complete(before: "coc").insert == "lick")
        #expect(completer.complete(before: "x = pa").candidates == ["package", "pairs"])
        #expect(completer.complete(before: "x = pa").insert == "")
        #expect(completer.complete(before: "fun").insert == "ction")  // keywords too
    }

    @Test func fieldsAfterDotFromTheRealTables() throws {
        let (completer, _) = try completer("settings = {alpha = 1, alpine = 2, beta = 3}")
        #expect(completer.complete(before: "coclick.ti").insert == "me")
        #expect(completer.complete(before: "coclick.time.pa").insert == "rse")
        #expect(completer.complete(before: "string.fo").insert == "rmat")
        #expect(completer.complete(before: "print(settings.al").insert == "p")  // the common prefix
        let completion = completer.complete(before: "print(settings.alp")
        #expect(completion.insert == "")
        #expect(completion.candidates == ["alpha", "alpine"])
        #expect(completion.listing?.contains("alpine") == true)
    }

    @Test func methodsAfterColonThroughAnIndexTable() throws {
        let (completer, _) = try completer("name = 'abc'; obj = {go = function() end, data = 1}")
        // A string's methods come from its metatable's __index, the string table.
        #expect(completer.complete(before: "name:up").insert == "per")
        #expect(completer.complete(before: "obj:").candidates == ["go"])
    }

    @Test func noIndexFunctionRuns() throws {
        let (completer, state) = try completer("""
            ran = false
            lazy = setmetatable({present = 1}, {__index = function(t, k) ran = true; return 42 end})
            proxy = setmetatable({}, {__index = {hidden_field = 1}})
            """)
        #expect(completer.complete(before: "lazy.pre").insert == "sent")
        #expect(completer.complete(before: "lazy.missing.x").candidates.isEmpty)
        #expect(completer.complete(before: "proxy.hid").insert == "den_field")
        let ran = try state.evaluate("return ran").first?.json
        #expect(ran == .bool(false))
    }

    @Test func statusesInsideAStringAfterStatus() throws {
        let (completer, _) = try completer()
        #expect(completer.complete(before: "coclick.meetings.list{q = {status = \"sch").insert == "eduled")
        #expect(completer.complete(before: "f{status='in").insert == "_progress")
        let all = completer.complete(before: "f{status=\"")
        #expect(all.candidates.sorted() == ["cancelled", "closed", "in_progress", "scheduled"])
        #expect(completer.complete(before: "x = \"coc").candidates.isEmpty)
        #expect(completer.complete(before: "x = \"a\" .. coc").insert == "lick")
    }

    @Test func nothingAfterACallOrANumber() {
        #expect(CompletionContext(before: "f().x") == .none)
        #expect(CompletionContext(before: "x = 3.1") == .none)
        #expect(CompletionContext(before: "a.b:c") == .name(base: ["a", "b"], separator: ":", partial: "c"))
        #expect(CompletionContext(before: "a:b.c") == .none)
    }

    @Test func documentedCandidatesListWithTheirSummary() throws {
        let (completer, _) = try completer()
        let completion = completer.complete(before: "coclick.time.")
        #expect(completion.candidates == ["day", "format", "parse"])
        let listing = try #require(completion.listing)
        #expect(listing.contains("ISO 8601 text to epoch seconds"))
    }
}
