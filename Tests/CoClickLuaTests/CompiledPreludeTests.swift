import Foundation
import Testing

@testable import CoClickLua

/// The prelude compiled once and kept by the host (`CompiledChunkStore`): a later state loads
/// the dump instead of compiling, works the same (its errors still name the prelude's lines),
/// and a damaged or foreign entry is compiled again, never trusted.
@Suite("Compiled prelude")
struct CompiledPreludeTests {
    /// A store in memory that counts what it is asked.
    final class MemoryStore: CompiledChunkStore, @unchecked Sendable {
        var entries: [String: [UInt8]] = [:]
        var reads = 0
        var writes = 0

        func read(_ name: String) -> [UInt8]? {
            reads += 1
            return entries[name]
        }

        func write(_ name: String, _ bytes: [UInt8]) {
            writes += 1
            entries[name] = bytes
        }
    }

    /// What a state's prelude does, checked through it: its helpers are there, and an error
    /// raised in the prelude names its file and line.
    func expectPreludeWorks(_ state: LuaState) throws {
        let helpers = try evalString("return type(pp) .. ' ' .. type(coclick.tabulate) .. ' ' .. type(log.info)", state)
        #expect(helpers == "function function function")
        let traceback =
            try evalString(
                "local ok, err = xpcall(coclick.tabulate, debug.traceback, 5) return err", state) ?? ""
        #expect(traceback.contains("CoClickLua/Prelude/prelude.lua:"), "\(traceback)")
    }

    @Test func aLaterStateLoadsTheDumpItWasGiven() throws {
        let store = MemoryStore()
        let first = try LuaState(configuration: .init(compiledChunks: store))
        #expect(store.writes == 1)
        let name = try #require(store.entries.keys.first)
        #expect(name.hasPrefix("prelude-") && name.hasSuffix(".luac"))
        try expectPreludeWorks(first)

        let second = try LuaState(configuration: .init(compiledChunks: store))
        #expect(store.reads == 2)
        #expect(store.writes == 1, "compiled again though the dump was sound")
        try expectPreludeWorks(second)
    }

    @Test func aDamagedOrForeignEntryIsCompiledAgain() throws {
        let store = MemoryStore()
        _ = try LuaState(configuration: .init(compiledChunks: store))
        let name = try #require(store.entries.keys.first)
        let sound = try #require(store.entries[name])
        var flipped = sound
        flipped[flipped.count - 1] ^= 0x01
        let foreign = CompiledPrelude.frame(Array("\u{1B}Lua not really bytecode".utf8))
        for damaged in [flipped, Array(sound.prefix(sound.count / 2)), [], Array("hello".utf8), foreign] {
            store.entries[name] = damaged
            let writes = store.writes
            let state = try LuaState(configuration: .init(compiledChunks: store))
            #expect(store.writes == writes + 1, "a damaged entry was not replaced")
            #expect(store.entries[name] == sound)
            try expectPreludeWorks(state)
        }
    }
}
