import CoClickAPI
import CoClickSandboxTesting
import Foundation
import Testing

@testable import CoClickLua

/// Requests an interrupt of `state` from another thread (through its handle, as the run guard
/// does) once `ready` is signalled: when the code to interrupt runs (a state, not a delay).
func interrupt(_ state: LuaState, once ready: DispatchSemaphore) {
    let handle = state.interruptHandle
    Thread.detachNewThread {
        ready.wait()
        handle.request()
    }
}

/// Requests an interrupt of `state` once `condition` holds (polled on a task of its own).
func interrupt(_ state: LuaState, when condition: @escaping @Sendable () -> Bool) {
    let handle = state.interruptHandle
    Task {
        if await waitUntil(bound: .seconds(60), condition) { handle.request() }
    }
}

/// Registers `running()` in `state`, which the chunk calls once it is where an interrupt
/// should find it; the interrupt is requested then.
func interruptWhenRunning(_ state: LuaState) {
    let running = DispatchSemaphore(value: 0)
    state.register("running") { _ in
        running.signal()
        return .none
    }
    interrupt(state, once: running)
}

@Suite struct RuntimeTests {
    @Test func requireCoclickAndCjson() throws {
        #expect(
            try eval("return require('coclick') == coclick, type(coclick.time), type(coclick.tabulate)") == [
                .bool(true), .string("table"), .string("function"),
            ])
        #expect(try evalString("local cjson = require 'cjson' return cjson.encode({1, 2})") == "[1,2]")
        #expect(try eval("return package.path:find('/usr/share/lua/5.4/?.lua', 1, true) ~= nil") == [.bool(true)])
    }

    /// The prelude's .lua files: each compiles on its own (`loadfile`, as `lua5.4 -e` would), the
    /// binary holds the file as it is, and its functions name the file and their real lines.
    @Test func thePreludeIsLuaFilesThatNameThemselves() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/CoClickLua/Prelude").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".lua") }
        #expect(files == ["prelude.lua"])
        let state = try LuaState()
        for file in files {
            let path = folder.appendingPathComponent(file).path
            setGlobal(state, "PATH", .string(path))
            #expect(try eval("local f, err = loadfile(PATH) return type(f), err", state) == [.string("function"), .null])
        }
        let text = try String(contentsOfFile: folder.appendingPathComponent("prelude.lua").path, encoding: .utf8)
        #expect(Prelude.source == text)
        let line =
            try #require(
                text.split(separator: "\n", omittingEmptySubsequences: false)
                    .firstIndex { $0.hasPrefix("function pp(") }) + 1
        #expect(
            try eval("local i = debug.getinfo(pp, 'S') return i.short_src, i.linedefined", state)
                == [.string("CoClickLua/Prelude/prelude.lua"), .integer(Int64(line))])
    }

    @Test func scriptFilesSkipAFirstHashLineAndGetArguments() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("coclick-\(UUID()).lua").path
        try "#!/usr/bin/env -S coclick run\nlocal a, b = ...\nreturn arg[0], a, b, arg[2]\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let state = try LuaState()
        let values = try state.run(file: path, arguments: ["x", "y"]).map(\.json)
        #expect(values == [.string(path), .string("x"), .string("y"), .string("y")])
        let missing = try #require(
            try? { () throws -> LuaError? in
                do {
                    _ = try state.run(file: path + ".missing")
                    return nil
                } catch let e as LuaError { return e }
            }())
        #expect(missing.kind == .file)
        #expect(missing.message.contains("cannot open"))
    }

    @Test func memoryCapFailsTheScriptAndKeepsTheState() throws {
        let state = try LuaState(configuration: .init(maxMemoryBytes: 8 << 20))
        let error = try #require(
            try evalError(
                """
                local t = {}
                for i = 1, 1e7 do t[i] = ("x"):rep(64) .. i end
                """, state))
        #expect(error.kind == .memory)
        #expect(error.message.contains("not enough memory"))
        #expect(try eval("collectgarbage() return 1 + 1", state) == [.integer(2)])
        #expect(state.memoryInUse < 8 << 20)
    }

    @Test func memoryCapOverrunInsideABindingRaisesAfterIt() throws {
        let state = try LuaState(configuration: .init(maxMemoryBytes: 4 << 20))
        state.register("big") { call in
            call.push(String(repeating: "y", count: 6 << 20))  // allowed now, refused on return
            return .values(1)
        }
        #expect(try eval("local ok, err = pcall(big) return ok, err", state) == [.bool(false), .string("not enough memory")])
        #expect(try eval("collectgarbage() return #('ok'):rep(10)", state) == [.integer(20)])
    }

    @Test func interruptStopsAnEndlessLoop() throws {
        let state = try LuaState()
        interruptWhenRunning(state)
        let error = try #require(try evalError("running() while true do end", state))
        #expect(error.kind == .interrupted)
        #expect(error.message.contains("interrupted!"))
        #expect(try eval("return 'still usable'", state) == [.string("still usable")])
    }

    @Test(.timeLimit(.minutes(1))) func interruptCancelsABlockingAwait() async throws {
        try await onLuaThread {
            let state = try LuaState()
            final class Flag: @unchecked Sendable { var cancelled = false }
            let flag = Flag()
            let waiting = DispatchSemaphore(value: 0)
            state.register("slow") { call in
                _ = try call.blockingAwait { () async throws -> Int in
                    waiting.signal()
                    // No element ever comes: the loop ends when the task is cancelled, which only
                    // the interrupt does (the test's time limit guards against a hang).
                    for await _ in AsyncStream<Never>(Never.self, { _ in }) {}
                    flag.cancelled = Task.isCancelled
                    throw CancellationError()
                }
                return .none
            }
            state.register("fast") { call in
                let n = try call.blockingAwait { () async throws -> Int64 in
                    try await Task.sleep(for: .milliseconds(5))
                    return 41
                }
                call.push(n + 1)
                return .values(1)
            }
            #expect(try eval("return fast()", state) == [.integer(42)])
            interrupt(state, once: waiting)
            let error = try #require(try evalError("slow()", state))
            #expect(error.kind == .interrupted)
            #expect(error.message.contains("interrupted!"))
            #expect(flag.cancelled)
            #expect(try eval("return 1", state) == [.integer(1)])
        }.get()
    }

    @Test func raisingBindingsLeaveMemoryFlat() throws {
        let state = try LuaState()
        state.register("boom") { call in
            throw LuaArgumentError(argument: 1, expected: "meeting")
        }
        let script = """
            local pcall, boom = pcall, boom
            for i = 1, N do pcall(boom, i) end
            collectgarbage() collectgarbage()
            return collectgarbage("count")
            """
        try state.load("N = 20000")
        try state.call()
        _ = try eval(script, state)  // warm up
        let luaBefore = state.memoryInUse
        _ = try eval("N = 1000000", state)
        _ = try eval(script, state)
        let luaGrowth = state.memoryInUse - luaBefore
        // The process's RSS is shared with the suites running alongside, so the Swift side of
        // the error path is measured in a process of its own (coclickTests, ErrorPathMemoryTests).
        #expect(luaGrowth < 64 << 10, "the Lua heap grew by \(luaGrowth) bytes")
    }
}
