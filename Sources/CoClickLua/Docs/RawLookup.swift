import CLua
import CLuaSupport

/// A key of a path read with raw lookups: a name (`x.name`, `x["any text"]`) or an integer
/// (`x[1]`).
public enum RawKey: Equatable, Hashable, Sendable, ExpressibleByStringLiteral {
    case name(String)
    case index(Int64)

    public init(stringLiteral value: String) { self = .name(value) }
}

extension LuaCall {
    /// Pushes the value at a dotted global path (`["coclick", "meetings"]`), read with raw
    /// accesses only, so that no metamethod (no code) runs. With `followIndexTables`, a missing
    /// field is also looked up in the metatable's `__index` when that is a plain table (raw, a
    /// few levels deep), never when it is a function. Pushes nil when the path leads nowhere;
    /// returns the type of what it pushed.
    @discardableResult
    func pushRawPath(_ components: [String], followIndexTables: Bool = false) -> LuaType {
        pushRawPath(keys: components.map(RawKey.name), followIndexTables: followIndexTables)
    }

    /// `pushRawPath` with names and integer keys (`page[1].custom_data`: `page`, 1, `custom_data`).
    @discardableResult
    func pushRawPath(keys: [RawKey], followIndexTables: Bool = false) -> LuaType {
        lua54_pushglobaltable(L)
        for key in keys {
            guard rawFieldThroughIndexTables(-1, key, follow: followIndexTables) else {
                pop()
                pushNil()
                return .nil
            }
            lua_rotate(L, -2, 1)
            pop()
        }
        return type(-1)
    }

    /// Pushes `value[key]` for the value at `index`, raw; with `follow`, through `__index`
    /// tables. False (nothing pushed) when there is no such field.
    func rawFieldThroughIndexTables(_ index: Int32, _ key: RawKey, follow: Bool) -> Bool {
        let start = absolute(index)
        lua_pushvalue(L, start)
        for _ in 0..<LuaCall.maxIndexDepth {
            if type(-1) == .table {
                let found: LuaType
                switch key {
                case .name(let name): found = rawField(-1, name)
                case .index(let i): found = LuaType(rawValue: lua_rawgeti(L, -1, lua_Integer(i))) ?? .none
                }
                if found != .nil {
                    lua_rotate(L, -2, 1)
                    pop()
                    return true
                }
                pop()
            }
            guard follow, pushIndexTable(-1) else { break }
            lua_rotate(L, -2, 1)
            pop()
        }
        pop()
        return false
    }

    /// Pushes the `__index` of the metatable of the value at `index` when it is a plain table
    /// (read raw); false (nothing pushed) otherwise.
    func pushIndexTable(_ index: Int32) -> Bool {
        guard lua_getmetatable(L, index) != 0 else { return false }
        if rawField(-1, "__index") == .table {
            lua_rotate(L, -2, 1)
            pop()
            return true
        }
        pop(2)
        return false
    }

    /// How many `__index` tables a lookup follows (a loop of them ends here).
    static let maxIndexDepth = 8
}
