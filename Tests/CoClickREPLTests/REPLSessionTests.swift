import CoClickLua
import Foundation
import Testing

@testable import CoClickREPL

@Suite("REPL lua.c semantics")
struct REPLSessionTests {
    private func session(_ setup: String = "") throws -> LuaSession {
        let state = try LuaState()
        if !setup.isEmpty { _ = try state.evaluate(setup) }
        return LuaSession(state: state)
    }

    @Test func expressionFirstThenStatement() throws {
        let session = try session()
        #expect(session.firstChunk("1+1") == "return 1+1")
        #expect(session.firstChunk("x = 1") == "x = 1")
        #expect(session.firstChunk("=1+1") == "return 1+1")
        guard case .values(let values) = session.run(session.firstChunk("=1+1")) else {
            Issue.record("failed")
            return
        }
        #expect(values == ["2"])
    }

    @Test func incompleteInputWaitsForMore() throws {
        let session = try session()
        #expect(session.isIncomplete("for i = 1, 3 do"))
        #expect(session.isIncomplete("for i = 1, 3 do\n  x = i"))
        #expect(!session.isIncomplete("for i = 1, 3 do\n  x = i\nend"))
        #expect(session.isIncomplete("f(1,"))
        #expect(!session.isIncomplete("x = = 1"))  // a real error: report it
        #expect(!session.isIncomplete("1+1"))
    }

    @Test func severalResultsSideBySide() throws {
        let session = try session()
        guard case .values(let values) = session.run("return 1, 'a', {1, 2}, nil") else {
            Issue.record("failed")
            return
        }
        #expect(LuaSession.display(values) == "1\t\"a\"\t{1, 2}\tnil")
        guard case .values(let none) = session.run("x = 1") else {
            Issue.record("failed")
            return
        }
        #expect(none.isEmpty)
    }

    @Test func errorsAreReported() throws {
        let session = try session()
        guard case .failed(let error) = session.run("error('boom')") else {
            Issue.record("no error")
            return
        }
        #expect(error.message.contains("boom"))
    }

    @Test func promptGlobalsHonoured() throws {
        let session = try session("_PROMPT = 'lua> '; _PROMPT2 = 42")
        #expect(session.promptOverride("_PROMPT") == "lua> ")
        #expect(session.promptOverride("_PROMPT2") == "42")
        let plain = try self.session("_PROMPT = {}")
        #expect(plain.promptOverride("_PROMPT") == nil)
    }

    @Test func luaInitStringAndFile() throws {
        let session = try session()
        #expect(session.runInit(environment: ["LUA_INIT": "greeting = 'hi'"]) == nil)
        guard case .values(let values) = session.run("return greeting") else {
            Issue.record("failed")
            return
        }
        #expect(values == ["\"hi\""])

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("coclick-init-\(UUID().uuidString).lua")
        try "from_file = 7".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(session.runInit(environment: ["LUA_INIT_5_4": "@" + file.path, "LUA_INIT": "from_file = 1"]) == nil)
        guard case .values(let fromFile) = session.run("return from_file") else {
            Issue.record("failed")
            return
        }
        #expect(fromFile == ["7"])

        let error = session.runInit(environment: ["LUA_INIT": "error('bad init')"])
        #expect(error?.message.contains("LUA_INIT") == true)
    }
}
