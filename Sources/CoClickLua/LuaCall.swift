import CLua
import CLuaJSON
import CLuaSupport
import CoClickAPI

/// The Lua types, as `lua_type` reports them.
public enum LuaType: Int32, Sendable {
    case none = -1, `nil` = 0, boolean, lightUserdata, number, string, table, function, userdata, thread

    public var name: String {
        switch self {
        case .none: "no value"
        case .nil: "nil"
        case .boolean: "boolean"
        case .lightUserdata: "light userdata"
        case .number: "number"
        case .string: "string"
        case .table: "table"
        case .function: "function"
        case .userdata: "userdata"
        case .thread: "thread"
        }
    }
}

/// What a binding returns: how many values it pushed. Inlinable, and `none` computed rather than
/// stored, so that returning one costs no call (a stored static is reached through a lazy
/// initializer's accessor).
@frozen public struct LuaResult: Sendable {
    public let count: Int32
    @inlinable public init(count: Int32) { self.count = count }
    @inlinable public static var none: LuaResult { LuaResult(count: 0) }
    @inlinable public static func values(_ count: Int32) -> LuaResult { LuaResult(count: count) }
}

/// What a binding sees of its call: its arguments (indices 1...argumentCount), the values it
/// pushes as results, and the fields of the tables it builds. A plain pointer wrapper: making one
/// allocates nothing. Bindings only: the hosts (runner, REPL) work through `LuaState`'s methods,
/// and CoClickLua's own code uses the internal stack operations below too.
///
/// Every method here uses only Lua API calls that cannot raise: raw accesses, pushes (which can
/// only fail for memory, and the allocator never fails while Swift runs), type queries. Calls that
/// run metamethods go through `CLuaSupport`'s protected wrappers.
public struct LuaCall {
    @usableFromInline let L: OpaquePointer

    @inline(__always)
    @usableFromInline init(_ L: OpaquePointer) { self.L = L }

    // MARK: Stack

    @inline(__always) var top: Int32 { lua_gettop(L) }
    @inline(__always) public var argumentCount: Int32 { lua_gettop(L) }
    @inline(__always) public func type(_ index: Int32) -> LuaType { LuaType(rawValue: lua_type(L, index)) ?? .none }
    @inline(__always) func pop(_ n: Int32 = 1) { lua54_pop(L, n) }
    @inline(__always) func absolute(_ index: Int32) -> Int32 { lua_absindex(L, index) }
    /// Drops everything above `top` (a negative `top` counts from the top, as `lua_settop`).
    @inline(__always) func setTop(_ top: Int32) { lua_settop(L, top) }
    /// Makes room for `n` more values; false if the stack cannot grow (never raises).
    @inline(__always) func ensureStack(_ n: Int32) -> Bool { lua_checkstack(L, n) != 0 }
    /// True once an allocation went over the `--max-memory` cap while this binding ran: the
    /// trampoline raises "not enough memory" when it returns, so a binding that builds a large
    /// value in a loop stops early instead of growing on.
    @inline(__always) public var isOverMemoryLimit: Bool { clua_runtime_of(L).pointee.over_limit_in_swift != 0 }

    // MARK: Arguments

    /// The string at `index` (a number is converted, as Lua's own string checks do).
    public func string(_ index: Int32) throws -> String {
        guard let s = stringValue(index) else { throw LuaArgumentError(argument: index, expected: "string") }
        return s
    }

    public func optionalString(_ index: Int32) throws -> String? { try optional(index, string) }

    public func integer(_ index: Int32) throws -> Int64 {
        if let value = integerValue(index) { return value }
        if lua_type(L, index) == LUA_TNUMBER {
            throw LuaArgumentError(argument: index, message: "number has no integer representation")
        }
        throw LuaArgumentError(argument: index, expected: "number")
    }

    public func optionalInteger(_ index: Int32) throws -> Int64? { try optional(index, integer) }

    public func number(_ index: Int32) throws -> Double {
        guard let value = numberValue(index) else { throw LuaArgumentError(argument: index, expected: "number") }
        return value
    }

    public func optionalNumber(_ index: Int32) throws -> Double? { try optional(index, number) }

    /// Lua truthiness: anything but nil and false.
    @inline(__always) public func boolean(_ index: Int32) -> Bool { lua_toboolean(L, index) != 0 }

    /// Checks that argument `index` is a table and returns its absolute index.
    public func table(_ index: Int32) throws -> Int32 {
        guard lua_type(L, index) == LUA_TTABLE else { throw LuaArgumentError(argument: index, expected: "table") }
        return lua_absindex(L, index)
    }

    public func optionalTable(_ index: Int32) throws -> Int32? { try optional(index, table) }

    public func function(_ index: Int32) throws -> Int32 {
        guard lua_type(L, index) == LUA_TFUNCTION else { throw LuaArgumentError(argument: index, expected: "function") }
        return lua_absindex(L, index)
    }

    /// nil when argument `index` is nil or absent, else what `read` makes of it.
    private func optional<T>(_ index: Int32, _ read: (Int32) throws -> T) rethrows -> T? {
        if lua_type(L, index) <= LUA_TNIL { return nil }
        return try read(index)
    }

    /// The integer at `index` (a float with an exact integer value and a numeric string too, as
    /// `lua_tointegerx` converts), nil otherwise.
    func integerValue(_ index: Int32) -> Int64? {
        var isNumber: Int32 = 0
        let value = lua_tointegerx(L, index, &isNumber)
        return isNumber != 0 ? Int64(value) : nil
    }

    /// The number at `index` (a numeric string too, as `lua_tonumberx` converts), nil otherwise.
    func numberValue(_ index: Int32) -> Double? {
        var isNumber: Int32 = 0
        let value = lua_tonumberx(L, index, &isNumber)
        return isNumber != 0 ? value : nil
    }

    // MARK: Fields of an options table (raw reads: no metamethods run)

    /// Pushes `table[key]` (raw) and returns its type. The caller pops it.
    @discardableResult
    func rawField(_ table: Int32, _ key: String) -> LuaType {
        let t = lua_absindex(L, table)
        push(key)
        return LuaType(rawValue: lua_rawget(L, t)) ?? .none
    }

    /// `table.key` as a string, nil when absent. A wrong type is an error on argument `table`:
    /// `bad argument #1 to 'list' (field 'q': string expected, got number)`.
    public func stringField(_ table: Int32, _ key: String) throws -> String? {
        try field(table, key, expected: "string") { type in
            type == .string || type == .number ? stringValue(-1) : nil
        }
    }

    public func integerField(_ table: Int32, _ key: String) throws -> Int64? {
        try field(table, key, expected: "integer") { _ in integerValue(-1) }
    }

    public func numberField(_ table: Int32, _ key: String) throws -> Double? {
        try field(table, key, expected: "number") { _ in numberValue(-1) }
    }

    public func booleanField(_ table: Int32, _ key: String) throws -> Bool? {
        try field(table, key, expected: "boolean") { type in type == .boolean ? boolean(-1) : nil }
    }

    /// `table.key` as `read` makes it of the value pushed (given its type; at index -1 while
    /// `read` runs): nil when absent, an error on argument `table` when `read` gives nil:
    /// `bad argument #1 to 'list' (field 'q': string expected, got number)`.
    func field<T>(_ table: Int32, _ key: String, expected: String, _ read: (LuaType) throws -> T?) throws -> T? {
        let type = rawField(table, key)
        defer { pop() }
        if type == .nil { return nil }
        guard let value = try read(type) else { throw fieldError(table, key, expected: expected, got: type) }
        return value
    }

    /// `table.key` converted to JSON (see `json(_:)`), nil when absent.
    public func jsonField(_ table: Int32, _ key: String) throws -> JSONValueOrAbsent {
        let type = rawField(table, key)
        defer { pop() }
        if type == .nil { return nil }
        do {
            return try toJSON(-1, path: "$." + key)
        } catch let error as LuaBridgeError {
            throw LuaArgumentError(argument: table, message: "field '\(key)': \(error.message)")
        }
    }

    func fieldError(_ table: Int32, _ key: String, expected: String, got: LuaType) -> LuaArgumentError {
        LuaArgumentError(argument: table, message: "field '\(key)': \(expected) expected, got \(got == .nil ? "no value" : got.name)")
    }

    // MARK: Reading values

    /// The string at `index`, or nil when it is neither a string nor a number. A number is
    /// converted in place, as `lua_tolstring` does: never use this on a key during `lua_next`.
    public func stringValue(_ index: Int32) -> String? {
        var length = 0
        guard let bytes = lua_tolstring(L, index, &length) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: bytes, count: length), as: UTF8.self)
    }

    /// `tostring(value)`, honouring `__tostring` and `__name` (run under a protected call).
    func describe(_ index: Int32) -> String {
        let i = lua_absindex(L, index)
        if clua_safe_tostring(L, i) == LUA_OK {
            defer { pop() }
            return stringValue(-1) ?? "?"
        }
        pop()
        return "(\(type(i).name) value, whose __tostring failed)"
    }

    // MARK: Pushing

    @inline(__always) public func pushNil() { lua_pushnil(L) }
    @inline(__always) public func push(_ value: Bool) { lua_pushboolean(L, value ? 1 : 0) }
    @inline(__always) public func push(_ value: Int64) { lua_pushinteger(L, lua_Integer(value)) }
    @inline(__always) public func push(_ value: Int) { lua_pushinteger(L, lua_Integer(value)) }
    @inline(__always) public func push(_ value: Double) { lua_pushnumber(L, value) }

    public func push(_ value: String) {
        var value = value
        value.withUTF8 { bytes in
            _ = bytes.withMemoryRebound(to: CChar.self) { lua_pushlstring(L, $0.baseAddress, $0.count) }
        }
    }

    func push(bytes: UnsafeRawBufferPointer) {
        _ = lua_pushlstring(L, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count)
    }

    /// Pushes `json.null`.
    @inline(__always) func pushJSONNull() { lua_pushlightuserdata(L, cljson_null()) }

    @inline(__always) public func newTable(arrayCount: Int32 = 0, fieldCount: Int32 = 0) {
        lua_createtable(L, arrayCount, fieldCount)
    }

    /// Pops a value and stores it as `table[key]` (raw).
    public func setField(_ table: Int32, _ key: String) {
        let t = lua_absindex(L, table)
        push(key)
        lua_rotate(L, -2, 1)
        lua_rawset(L, t)
    }

    /// Pops a value and stores it as `table[index]` (raw).
    @inline(__always) public func setIndex(_ table: Int32, _ index: Int64) {
        lua_rawseti(L, table, lua_Integer(index))
    }

    /// Marks the table on top as a JSON array (so that, empty, it encodes as `[]`).
    func markArray() {
        _ = lua54_getmetatable_named(L, CLJSON_ARRAY_MT)
        lua_setmetatable(L, -2)
    }

    /// Pushes a Swift binding as a Lua function value (for iterators and callbacks).
    public func push(function: @escaping LuaFunction) {
        let (fn, context) = LuaBindingBox.retainedBinding(function)
        clua_pushbinding(L, fn, context, nil)
    }

    /// Pushes an error table: `fields` as a table whose metatable's `__tostring` returns
    /// `description` (so `tostring(err)` reads well) and whose `__name` is `coclick.error`.
    public func pushErrorTable(fields: [String: JSONValue], description: String) {
        push(.object(fields), nulls: .absent)
        var description = description
        description.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { clua_push_error_metatable(L, $0.baseAddress, $0.count) }
        }
        lua_setmetatable(L, -2)
    }

    // MARK: Results

    /// Pushes `values` and returns the result for them.
    public func returning(_ values: String...) -> LuaResult {
        for v in values { push(v) }
        return .values(Int32(values.count))
    }

    /// Pushes a JSON value (objects' nulls as absent fields) and returns one result.
    public func returning(json value: JSONValue, nulls: LuaNullPolicy = .absent) -> LuaResult {
        push(value, nulls: nulls)
        return .values(1)
    }
}

/// `JSONValue?` as returned by `jsonField`: nil when the field is absent.
public typealias JSONValueOrAbsent = JSONValue?
