import CLua
import CLuaSupport
import CoClickAPI
import CoClickPOSIX

/// One Lua 5.4 state with the standard libraries and the coclick helpers (`json`, `csv`, `log`,
/// `pp`, `coclick.time`, `coclick.tabulate`). Used from one thread, never a Swift concurrency
/// pool thread (bindings block it while async work runs).
public final class LuaState {
    public struct Configuration {
        /// Cap on the Lua heap in bytes (`--max-memory`); nil for none.
        public var maxMemoryBytes: Int?
        /// Silences `log.info` (`-q`).
        public var quiet: Bool
        /// Where `log.*` lines go; standard error when nil.
        public var logSink: ((String) -> Void)?
        /// The width of the terminal on standard output (nil: not a terminal), measured by the
        /// host when `pp` renders; when nil itself, `pp` uses `COLUMNS` or 160.
        public var terminalColumns: (() -> Int?)?
        /// Where the compiled prelude is kept between runs; nil: compiled at every start.
        public var compiledChunks: (any CompiledChunkStore)?

        public init(
            maxMemoryBytes: Int? = nil, quiet: Bool = false, logSink: ((String) -> Void)? = nil,
            terminalColumns: (() -> Int?)? = nil, compiledChunks: (any CompiledChunkStore)? = nil
        ) {
            self.maxMemoryBytes = maxMemoryBytes
            self.quiet = quiet
            self.logSink = logSink
            self.terminalColumns = terminalColumns
            self.compiledChunks = compiledChunks
        }
    }

    /// The raw state, for CoClickLua's code that needs the C API (only non-raising calls from
    /// Swift); the hosts use the methods of this class and `LuaInterruptHandle`.
    let L: OpaquePointer
    public var configuration: Configuration
    /// Trampoline slots taken by `register`, given back once the state is closed.
    private var slots: [Int32] = []
    /// While SIGINT interrupts this state (`interruptOnSIGINT`): its subscription to the signal
    /// owner.
    private var sigint: SignalSubscription?

    public init(configuration: Configuration = Configuration()) throws {
        _ = luaDispatchInstalled
        guard let L = clua_newstate(max(0, configuration.maxMemoryBytes ?? 0)) else {
            throw LuaError(kind: .memory, message: "not enough memory")
        }
        self.L = L
        self.configuration = configuration
        clua_runtime_of(L).pointee.host = Unmanaged.passUnretained(self).toOpaque()
        // Writes to standard output that fail raise, rather than being lost (stdout_guard.c).
        if clua_openlibs(L) != LUA_OK || clua_guard_stdout(L) != LUA_OK {
            let message = stack.stringValue(-1) ?? "cannot open the standard libraries"
            throw LuaError(kind: .memory, message: message)
        }
        try installHelpers()
    }

    deinit {
        sigint?.cancel()  // before the state goes: the handler holds it
        clua_close(L)
        for slot in slots { clua_slot_release(slot) }
    }

    /// The stack, for CoClickLua's own code (the hosts never handle it: see LuaState+Host.swift).
    var stack: LuaCall { LuaCall(L) }

    /// The Lua heap in bytes, as the allocator counts it.
    public var memoryInUse: Int { Int(clua_runtime_of(L).pointee.used) }

    /// Changes the memory cap (nil: none).
    public func setMemoryLimit(_ bytes: Int?) {
        clua_set_limit(L, bytes.map { max(0, $0) } ?? 0)
    }

    // MARK: Registration

    /// Registers `fn` as `table.name`, `table` being a dotted path of global tables created as
    /// needed (`"coclick.meetings"`); with `table` nil, as the global `name`.
    public func register(_ name: String, in table: String? = nil, _ fn: @escaping LuaFunction) {
        let (function, context) = LuaBindingBox.retainedBinding(fn)
        register(name, in: table, function, context: context)
    }

    /// Registers a binding written as a `LuaBindingFunction`, called by the trampoline with one
    /// frame fewer than a closure: for bindings that capture nothing.
    public func register(_ name: String, in table: String? = nil, function: LuaBindingFunction) {
        register(name, in: table, function, context: nil)
    }

    /// Registers a plain C function (a `lua_CFunction`, which may raise freely) as `table.name`.
    public func register(_ name: String, in table: String? = nil, cFunction: lua_CFunction) {
        pushTable(path: table)
        lua54_pushcfunction(L, cFunction)
        stack.setField(-2, name)
        stack.pop()
    }

    private func register(_ name: String, in table: String?, _ function: clua_binding_fn, context: UnsafeMutableRawPointer?) {
        let s = stack
        pushTable(path: table)
        pushPermanent(function, context: context, name: table.map { "\($0).\(name)" } ?? name)
        s.setField(-2, name)
        s.pop()
    }

    /// Pushes a binding that lives as long as the state: a light C function from the slot pool
    /// (the fastest call), or a closure when the pool is used up. Takes `context`'s retain.
    private func pushPermanent(_ function: clua_binding_fn, context: UnsafeMutableRawPointer?, name: String) {
        let slot = clua_slot_acquire(function, context)
        if slot >= 0 {
            slots.append(slot)
            clua_slot_set_name(slot, name)
            clua_slot_push(L, slot)
        } else {
            clua_pushbinding(L, function, context, name)
        }
    }

    /// Pushes the table at a dotted global path, creating the missing tables (`nil`: globals).
    /// A non-table value in the way is replaced.
    func pushTable(path: String?) {
        let s = stack
        lua54_pushglobaltable(L)
        guard let path, !path.isEmpty else { return }
        // The dotted path's non-empty parts, found byte by byte (split(separator:) made an
        // array of substrings at each of the start-up's registrations).
        let bytes = path.utf8
        var start = bytes.startIndex
        while start != bytes.endIndex {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: ".")) ?? bytes.endIndex
            defer { start = end == bytes.endIndex ? end : bytes.index(after: end) }
            if start == end { continue }
            let key = String(path[start..<end])
            if s.rawField(-1, key) != .table {
                s.pop()
                s.newTable()
                lua_pushvalue(L, -1)
                s.setField(-3, key)
            }
            lua_rotate(L, -2, 1)
            s.pop()
        }
    }

    // MARK: Loading and calling

    /// Compiles `code` and pushes the chunk. `chunkName` as Lua uses it: `=(command line)`,
    /// `=stdin`, `@file.lua`.
    public func load(_ code: String, chunkName: String = "=(command line)") throws {
        var code = code
        let status = code.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                clua_safe_loadbuffer(L, chars.baseAddress, chars.count, chunkName)
            }
        }
        if status != LUA_OK { throw popError(status: status) }
    }

    /// Compiles `bytes` (Lua source) and pushes the chunk, as `load(_:chunkName:)` does with a
    /// string (the prelude: no String made of it first).
    func load(bytes: [UInt8], chunkName: String) throws {
        let status = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                clua_safe_loadbuffer(L, chars.baseAddress, chars.count, chunkName)
            }
        }
        if status != LUA_OK { throw popError(status: status) }
    }

    /// Compiles a file (nil: standard input) and pushes the chunk. A first line starting with
    /// `#` is skipped.
    public func load(file path: String?) throws {
        let status = path.map { clua_safe_loadfile(L, $0) } ?? clua_safe_loadfile(L, nil)
        if status != LUA_OK { throw popError(status: status) }
    }

    /// Calls the function below its `arguments` on the stack with the traceback message handler;
    /// returns the number of results left on the stack.
    @discardableResult
    public func call(arguments: Int32 = 0, results: Int32 = LUA54_MULTRET) throws -> Int32 {
        let base = lua_gettop(L) - arguments - 1
        lua54_pushcfunction(L, clua_msghandler)
        lua_rotate(L, base + 1, 1)  // handler below the function
        lua_pushnil(L)
        lua_setfield(L, LUA54_REGISTRYINDEX, CLUA_TRACEBACK_KEY)
        let status = clua_pcall(L, arguments, results, base + 1)
        lua_rotate(L, base + 1, -1)
        lua54_pop(L, 1)  // the handler
        if status != LUA_OK { throw popError(status: status) }
        return lua_gettop(L) - base
    }

    /// Runs `code` and returns what it returned.
    public func evaluate(_ code: String, chunkName: String = "=(command line)") throws -> [LuaValue] {
        let base = lua_gettop(L)
        try load(code, chunkName: chunkName)
        let n = try call()
        return popValues(n, base: base)
    }

    /// Runs a script file (nil or "-": standard input) as `lua script args...` does: the global
    /// `arg` holds the script name at 0 and the arguments at 1..., which are also the chunk's `...`.
    public func run(file path: String?, arguments: [String] = []) throws -> [LuaValue] {
        let base = lua_gettop(L)
        let file = path == "-" ? nil : path
        let s = stack
        s.newTable(arrayCount: Int32(clamping: arguments.count), fieldCount: 1)
        s.push(path ?? "-")
        s.setIndex(-2, 0)
        for (i, argument) in arguments.enumerated() {
            s.push(argument)
            s.setIndex(-2, Int64(i + 1))
        }
        pushTable(path: nil)
        lua_rotate(L, -2, 1)
        s.setField(-2, "arg")  // raw: a metatable on _G (strict mode) is not run from Swift
        s.pop()
        try load(file: file)
        guard s.ensureStack(Int32(clamping: arguments.count) + 1) else {
            lua_settop(L, base)
            throw LuaError(kind: .runtime, message: "too many script arguments")
        }
        for argument in arguments { s.push(argument) }
        let n = try call(arguments: Int32(arguments.count))
        return popValues(n, base: base)
    }

    private func popValues(_ n: Int32, base: Int32) -> [LuaValue] {
        var values: [LuaValue] = []
        for i in 0..<n {
            values.append(LuaValue(state: self, index: base + 1 + i))
        }
        lua_settop(L, base)
        return values
    }

    /// Pops the error value left by a failed load or call and describes it.
    func popError(status: Int32) -> LuaError {
        let s = stack
        defer { s.pop() }
        let interrupted = clua_take_interrupt_fired(L) != 0
        var kind: LuaError.Kind
        switch status {
        case LUA_ERRSYNTAX: kind = .syntax
        case LUA_ERRMEM: kind = .memory
        case LUA_ERRERR: kind = .errorHandler
        case LUA_ERRFILE: kind = .file
        default: kind = .runtime
        }
        if interrupted { kind = .interrupted }
        if s.type(-1) == .string, let text = s.stringValue(-1) {
            var message = text
            var traceback: String?
            if let range = Self.firstRange(of: "\nstack traceback:\n", in: text) {
                message = String(text[..<range.lowerBound])
                traceback = String(text[text.index(after: range.lowerBound)...])
            }
            if kind == .runtime, message.hasSuffix("not enough memory") { kind = .memory }
            return LuaError(kind: kind, message: message, traceback: traceback)
        }
        let message = s.describe(-1)
        var fields: [String: JSONValue]?
        if s.type(-1) == .table, case .object(let object)? = try? s.toJSON(-1) { fields = object }
        lua_getfield(L, LUA54_REGISTRYINDEX, CLUA_TRACEBACK_KEY)
        defer { s.pop() }
        var traceback = s.stringValue(-1)
        if let text = traceback, let range = Self.firstRange(of: "stack traceback:\n", in: text) {
            traceback = String(text[range.lowerBound...])
        }
        return LuaError(kind: kind, message: message, traceback: traceback, fields: fields)
    }

    /// Where `needle` (ASCII) first occurs in `text`, byte for byte: Foundation's `range(of:)`
    /// did the same, but its first use costs a run that meets a syntax error (`eval` tries
    /// `return CODE` first) a few hundredths of a millisecond.
    static func firstRange(of needle: StaticString, in text: String) -> Range<String.Index>? {
        let bytes = text.utf8
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard let first = pattern.first else { return nil }
        var start = bytes.startIndex
        while let found = bytes[start...].firstIndex(of: first) {
            var end = found
            var matched = true
            for byte in pattern {
                guard end != bytes.endIndex, bytes[end] == byte else {
                    matched = false
                    break
                }
                end = bytes.index(after: end)
            }
            if matched { return found..<end }
            start = bytes.index(after: found)
        }
        return nil
    }

    // MARK: Interrupts

    /// Makes SIGINT interrupt this state, as `lua` does: a subscription to the signal owner,
    /// which a later one (the REPL's line reader) shadows while it lasts. `false` ends it (a
    /// second `true` while on, or a `false` while off, changes nothing).
    public func interruptOnSIGINT(_ on: Bool = true) {
        if on, sigint == nil {
            sigint = SignalSubscription([SIGINT], handler: clua_interrupt_on_signal, context: UnsafeMutableRawPointer(L))
        } else if !on {
            sigint?.cancel()
            sigint = nil
        }
    }

    // MARK: Rendering

    /// `pp`'s rendering of the value at `index`; `options` widen or narrow it (the REPL's).
    public func render(_ index: Int32, options: RenderOptions? = nil) -> String {
        let s = stack
        let i = lua_absindex(L, index)
        // A chunk's many results may have used up the free stack slots.
        guard s.ensureStack(8) else { return s.type(i).name }
        lua_getfield(L, LUA54_REGISTRYINDEX, LuaHelpers.renderKey)
        lua_pushvalue(L, i)
        if let options {
            s.newTable(fieldCount: 3)
            for (key, value) in [("items", options.items), ("lines", options.lines), ("width", options.width)] {
                guard let value else { continue }
                s.push(value)
                s.setField(-2, key)
            }
        }
        if clua_pcall(L, options == nil ? 1 : 2, 1, 0) == LUA_OK, let text = s.stringValue(-1) {
            s.pop()
            return text
        }
        s.pop()
        return s.describe(i)
    }
}

/// How much `render` shows: rows or fields per table, lines in all, and the width to fit (nil:
/// `pp`'s defaults, 100 items, 400 lines, the terminal's width).
public struct RenderOptions: Sendable, Equatable {
    public var items: Int?
    public var lines: Int?
    public var width: Int?

    public init(items: Int? = nil, lines: Int? = nil, width: Int? = nil) {
        self.items = items
        self.lines = lines
        self.width = width
    }
}

/// A value a chunk returned: its type, its JSON form when it has one, and its rendering by `pp`.
public struct LuaValue: Sendable, CustomStringConvertible {
    public var type: LuaType
    public var json: JSONValue?
    public var rendered: String

    init(state: LuaState, index: Int32) {
        let s = state.stack
        type = s.type(index)
        json = try? s.toJSON(index)
        rendered = state.render(index)
    }

    public var description: String { rendered }
}
