import CLua
import CoClickAPI

/// Argument checks shared by the coclick.* bindings. Every failure is a `LuaArgumentError`,
/// raised by the trampoline as `luaL_argerror` would: `bad argument #1 to 'create' (...)`.
extension LuaCall {
    /// A string argument, strictly (a number is refused, unlike `luaL_checkstring`: an id or a
    /// URL given as a number is a mistake).
    func strictString(_ index: Int32) throws -> String {
        guard type(index) == .string, let text = stringValue(index) else {
            throw LuaArgumentError(argument: index, expected: "string")
        }
        return text
    }

    /// Refuses any key of the options table at `index` outside `allowed`:
    /// `bad argument #1 to 'create' (unknown field "usr")`.
    func checkFields(_ index: Int32, allowed: Set<String>) throws {
        let t = absolute(index)
        pushNil()
        while lua_next(L, t) != 0 {
            pop()  // the value; the key stays for lua_next
            var unknown: String?
            if type(-1) == .string {
                let key = stringValue(-1) ?? ""  // a string key: no conversion in place
                if !allowed.contains(key) { unknown = "unknown field \"\(key)\"" }
            } else if lua_isinteger(L, -1) != 0 {
                unknown = "unknown field \(lua_tointegerx(L, -1, nil))"
            } else {
                unknown = "unexpected key of type \(type(-1).name)"
            }
            if let unknown {
                pop()
                throw LuaArgumentError(argument: index, message: unknown)
            }
        }
    }

    /// An integer option at least `minimum`, or nil when absent.
    func integerField(_ table: Int32, _ key: String, atLeast minimum: Int) throws -> Int? {
        guard let value = try integerField(table, key) else { return nil }
        guard value >= Int64(minimum), let int = Int(exactly: value) else {
            throw LuaArgumentError(argument: table, message: "field '\(key)': must be at least \(minimum), got \(value)")
        }
        return int
    }

    /// `q`: a string (sent as-is) or a table (Rails' nested form), whose status draws a warning
    /// when it is none the API knows.
    func queryField(_ table: Int32) throws -> MeetingQuery? {
        let query = try queryField(table, "q")
        if case .object(let q)? = query { QueryStatusWarning.check(q, self) }
        return query
    }

    /// A query option `key` (`q`, `coclick.api.get`'s `query`): a string, sent as it is, or a
    /// table, as JSON (a value with no JSON form is a bad argument naming its path).
    func queryField(_ table: Int32, _ key: String) throws -> MeetingQuery? {
        try field(table, key, expected: "string or table") { type in
            switch type {
            case .string: return .text(stringValue(-1) ?? "")
            case .table:
                do {
                    return .object(try toJSON(-1, path: key))
                } catch let error as LuaBridgeError {
                    throw LuaArgumentError(argument: table, message: "field '\(key)': \(error.message)")
                }
            default: return nil
            }
        }
    }

    /// A JSON-valued option that must be an array (an empty table counts as one).
    func arrayField(_ table: Int32, _ key: String) throws -> JSONValue? {
        switch try jsonField(table, key) {
        case nil, .null?: return nil
        case .array(let items)?: return .array(items)
        case .object(let fields)? where fields.isEmpty: return .array([])
        case let other?:
            throw LuaArgumentError(argument: table, message: "field '\(key)': array expected, got \(other.kindName)")
        }
    }

    /// A JSON-valued option that must be an object (an empty table counts as one).
    func objectField(_ table: Int32, _ key: String) throws -> JSONValue? {
        switch try jsonField(table, key) {
        case nil, .null?: return nil
        case .object(let fields)?: return .object(fields)
        case .array(let items)? where items.isEmpty: return .object([:])
        case let other?:
            throw LuaArgumentError(argument: table, message: "field '\(key)': object expected, got \(other.kindName)")
        }
    }
}

private extension JSONValue {
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer, .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
