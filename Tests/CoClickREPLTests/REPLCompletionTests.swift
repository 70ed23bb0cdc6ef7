import CoClickLua
import Testing

@testable import CoClickREPL

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
        let (completer, state) = try completer(
            """
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

    @Test func subscriptsInThePath() {
        #expect(CompletionContext(before: "page[1].us") == .name(base: ["page", .index(1)], separator: ".", partial: "us"))
        #expect(CompletionContext(before: "x = m[\"custom data\"].") == .name(base: ["m", "custom data"], separator: ".", partial: ""))
        #expect(CompletionContext(before: "t['k'][2].a.b") == .name(base: ["t", "k", .index(2), "a"], separator: ".", partial: "b"))
        #expect(CompletionContext(before: "s[1]:up") == .name(base: ["s", .index(1)], separator: ":", partial: "up"))
        // Not a path from a global: a call, a table constructor, an expression in brackets.
        #expect(CompletionContext(before: "f()[1].x") == .none)
        #expect(CompletionContext(before: "{1}[1].x") == .none)
        #expect(CompletionContext(before: "t[i].x") == .none)
        #expect(CompletionContext(before: "[1].x") == .none)
        #expect(CompletionContext(before: "t.[1].x") == .none)
    }

    @Test func fieldsAfterASubscriptFromTheRealTables() throws {
        let (completer, _) = try completer(
            """
            page = {{user = "a@b.c", status = "closed"}, {starts_at = "x"}}
            box = {["the key"] = {answer = 42, another = 1}}
            """)
        #expect(completer.complete(before: "page[1].us").insert == "er")
        #expect(completer.complete(before: "page[2].st").insert == "arts_at")
        #expect(completer.complete(before: "box[\"the key\"].ans").insert == "wer")
        #expect(completer.complete(before: "box['the key'].an").candidates == ["another", "answer"])
        #expect(completer.complete(before: "page[3].").candidates.isEmpty)
    }

    @Test func noMetamethodRunsBehindASubscript() throws {
        let (completer, state) = try completer(
            """
            ran = false
            lazy = setmetatable({}, {__index = function(t, k) ran = true; return {field = 1} end})
            list = setmetatable({}, {__index = {{inherited = 1}}})
            """)
        #expect(completer.complete(before: "lazy[1].fi").candidates.isEmpty)
        #expect(completer.complete(before: "lazy['k'].fi").candidates.isEmpty)
        // A plain __index table is read raw, as after a dot.
        #expect(completer.complete(before: "list[1].inh").insert == "erited")
        #expect(try state.evaluate("return ran").first?.json == .bool(false))
    }

    @Test func documentedCandidatesListWithTheirSummary() throws {
        let (completer, _) = try completer()
        let completion = completer.complete(before: "coclick.time.")
        #expect(completion.candidates == ["day", "format", "parse"])
        let listing = try #require(completion.listing)
        #expect(listing.contains("ISO 8601 text to epoch seconds"))
    }
}
