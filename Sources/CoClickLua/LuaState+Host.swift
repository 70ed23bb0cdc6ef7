import CLua
import CLuaSupport
import CoClickAPI

/// A state's interrupt, requested from another thread or a signal handler (the run guard's): a
/// plain value, which a handler copies without retaining anything. Valid while its state lives.
public struct LuaInterruptHandle: @unchecked Sendable {
    let L: OpaquePointer

    /// Asks the running chunk to stop with "interrupted!" (async-signal-safe: it only sets a flag
    /// and a hook).
    public func request() { clua_request_interrupt(L) }
}

/// What the hosts (the runner, the REPL) do with a state beyond registering, loading and
/// calling: each a whole operation that leaves the stack as it found it, so that no host handles
/// the raw stack or imports Lua's C API. (A binding sees its call through `LuaCall`.)
extension LuaState {
    // MARK: Interrupts

    /// The handle that interrupts this state from another thread or a signal handler.
    public var interruptHandle: LuaInterruptHandle { LuaInterruptHandle(L: L) }

    /// Takes a pending interrupt request, and the mark of one that fired: true when there was
    /// one (a Ctrl-C typed while nothing ran, or one a waiting binding honoured).
    @discardableResult
    public func takeInterrupt() -> Bool {
        guard clua_take_interrupt(L) != 0 else { return false }
        _ = clua_take_interrupt_fired(L)
        return true
    }

    // MARK: Running and rendering

    /// Compiles `code` and drops the chunk: throws its syntax error, if any.
    public func compile(_ code: String, chunkName: String) throws {
        try load(code, chunkName: chunkName)
        stack.pop()
    }

    /// Runs `code` and renders each of its results with `options`; with `global`, the first
    /// result is also set (raw) as that global, as the REPL's `_`.
    public func evaluate(
        _ code: String, chunkName: String, rendering options: RenderOptions?,
        keepingFirstAs global: String? = nil
    ) throws -> [String] {
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        try load(code, chunkName: chunkName)
        let count = try call()
        let rendered = (0..<count).map { render(base + 1 + $0, options: options) }
        if count > 0, let global {
            let s = stack
            lua54_pushglobaltable(L)
            lua_pushvalue(L, base + 1)
            s.setField(-2, global)
            s.pop()
        }
        return rendered
    }

    /// Calls the function at stack index `function` (an argument of the binding running, which
    /// called this) with no arguments and renders each of its results with `options`.
    public func call(functionAt function: Int32, rendering options: RenderOptions?) throws -> [String] {
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        lua_pushvalue(L, function)
        let count = try call()
        return (0..<count).map { render(base + 1 + $0, options: options) }
    }

    /// Calls the function at a global path (read raw) with `arguments` (JSON values, nil for
    /// nil) and returns its first result rendered in `format` (nothing when that is nil).
    public func call(_ path: [String], arguments: [JSONValue?], output format: OutputFormat, whole: Bool) throws -> String {
        let s = stack
        let base = s.top
        guard s.ensureStack(Int32(clamping: arguments.count) + 4) else {
            throw LuaError(kind: .memory, message: "not enough memory")
        }
        guard s.pushRawPath(path) == .function else {
            s.setTop(base)
            throw LuaError(kind: .runtime, message: "\(path.joined(separator: ".")) is not a function")
        }
        for argument in arguments {
            if let argument { s.push(argument) } else { s.pushNil() }
        }
        return try callAndRender(base: base, arguments: Int32(arguments.count), format: format, whole: whole, firstOnly: true)
    }

    // MARK: Reading without running code

    /// The string (or the number, as text) at a global path read raw; nil for anything else.
    public func rawString(at path: [String]) -> String? {
        let s = stack
        let type = s.pushRawPath(path)
        defer { s.pop() }
        guard type == .string || type == .number else { return nil }
        return s.stringValue(-1)
    }

    /// The string keys of the value at `path` (empty: the globals) and of its `__index` tables
    /// (a string's methods), all read raw, so that no Lua code runs; with `functionsOnly`, only
    /// the keys holding functions. At most `limit` keys are read from each table.
    public func rawKeys(at path: [RawKey], functionsOnly: Bool, limit: Int) -> Set<String> {
        let s = stack
        let top = s.top
        defer { s.setTop(top) }
        guard s.ensureStack(8) else { return [] }
        s.pushRawPath(keys: path, followIndexTables: true)
        var keys: Set<String> = []
        for _ in 0..<LuaCall.maxIndexDepth {
            if s.type(-1) == .table { s.collectKeys(into: &keys, functionsOnly: functionsOnly, limit: limit) }
            guard s.pushIndexTable(-1) else { break }
        }
        return keys
    }

    // MARK: Changing the globals

    /// Gives the table at the global `path` (made when missing) a metatable named `name` whose
    /// `__index` is `index`: fields computed when a script reads them, never by a raw read.
    public func setIndexMetamethod(of path: String, name: String, _ index: @escaping LuaFunction) {
        let s = stack
        pushTable(path: path)
        s.newTable(fieldCount: 2)
        s.push(function: index)
        s.setField(-2, "__index")
        s.push(name)
        s.setField(-2, "__name")
        lua_setmetatable(L, -2)
        s.pop()
    }

    /// Replaces the function `name` of the global table `table` (`os`, `exit`) with one that
    /// calls `hook` with its arguments first, then the original function (a tail call).
    public func hook(_ name: String, in table: String, before hook: @escaping LuaFunction) throws {
        let s = stack
        let base = s.top
        defer { s.setTop(base) }
        try load(
            "local hook, original, t, k = ...; t[k] = function(...) hook(...); return original(...) end",
            chunkName: "=(coclick)")
        s.push(function: hook)
        pushTable(path: table)
        s.rawField(-1, name)
        lua_rotate(L, -2, 1)  // hook, original, table
        s.push(name)
        try call(arguments: 4, results: 0)
    }
}

extension LuaCall {
    /// Adds the string keys of the table on top to `keys` (raw `lua_next`), at most `limit` read.
    fileprivate func collectKeys(into keys: inout Set<String>, functionsOnly: Bool, limit: Int) {
        let table = absolute(-1)
        var count = 0
        pushNil()
        while lua_next(L, table) != 0 {
            count += 1
            // Only string keys: lua_tolstring on a number key would change it under lua_next.
            if type(-2) == .string, !functionsOnly || type(-1) == .function, let key = stringValue(-2) {
                keys.insert(key)
            }
            pop()
            if count >= limit {
                pop()
                break
            }
        }
    }
}
