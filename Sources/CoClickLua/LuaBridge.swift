import CLua
import CLuaJSON
import CLuaSupport
import CoClickAPI

/// How JSON nulls become Lua values.
public enum LuaNullPolicy: Sendable {
    /// `json.null` everywhere (what `json.decode` does: explicit nulls survive a round trip).
    case jsonNull
    /// An object field holding null is left out (nil); an array element is `json.null`, so that
    /// the array keeps its shape. This is how meeting tables are built.
    case absent
}

/// A Lua value that has no JSON form, with the path of the offending part.
public struct LuaBridgeError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The JSON <-> Lua bridge. The rules (shared with `json.encode`/`json.decode`, in C):
/// - arrays become tables with keys 1...n and the `json.array` metatable; objects plain tables;
/// - a table becomes an array when it has the `json.array` metatable, or keys 1...n and no
///   others; an object when it has `json.object`'s, or only string keys; an empty unmarked table
///   is an object `{}`;
/// - refused, naming the path (`$.custom_data.tags[2]`): sparse arrays, tables mixing integer and
///   string keys, keys of any other type, NaN and infinities, cycles, nesting deeper than 200,
///   functions, userdata and threads;
/// - Lua integers are JSON integers, Lua floats JSON numbers (1.0 stays a float);
/// - `json.null` is JSON null; a nil argument too.
extension LuaCall {
    static let maxDepth = Int(CLJSON_MAX_DEPTH)

    /// Pushes `value` as a Lua value. Never raises (allocation never fails while Swift runs).
    public func push(_ value: JSONValue, nulls: LuaNullPolicy = .jsonNull) {
        pushJSON(value, nulls: nulls, depth: 0)
    }

    private func pushJSON(_ value: JSONValue, nulls: LuaNullPolicy, depth: Int) {
        // A JSONValue is finite and acyclic; beyond the depth limit (or when the stack cannot
        // grow) a subtree becomes json.null rather than an unbounded recursion.
        guard depth <= Self.maxDepth, ensureStack(3) else {
            pushJSONNull()
            return
        }
        switch value {
        case .null: pushJSONNull()
        case .bool(let b): push(b)
        case .integer(let i): push(i)
        case .number(let d): push(d)
        case .string(let s): push(s)
        case .array(let items):
            newTable(arrayCount: Int32(clamping: items.count))
            markArray()
            for (i, item) in items.enumerated() {
                pushJSON(item, nulls: nulls, depth: depth + 1)
                setIndex(-2, Int64(i + 1))
            }
        case .object(let fields):
            newTable(fieldCount: Int32(clamping: fields.count))
            for (key, field) in fields {
                if case .null = field, nulls == .absent { continue }
                push(key)
                pushJSON(field, nulls: nulls, depth: depth + 1)
                lua_rawset(L, -3)
            }
        }
    }

    /// Argument `index` as JSON; a value with no JSON form is a bad argument naming its path.
    public func json(_ index: Int32) throws -> JSONValue {
        do {
            return try toJSON(index, path: "$")
        } catch let error as LuaBridgeError {
            throw LuaArgumentError(argument: index, message: error.message)
        }
    }

    /// The value at `index` as JSON, by the rules above.
    func toJSON(_ index: Int32, path: String = "$") throws -> JSONValue {
        var visiting: [UnsafeRawPointer] = []
        return try toJSON(lua_absindex(L, index), path: path, visiting: &visiting)
    }

    private func toJSON(_ index: Int32, path: String, visiting: inout [UnsafeRawPointer]) throws -> JSONValue {
        switch lua_type(L, index) {
        case LUA_TNIL: return .null
        case LUA_TBOOLEAN: return .bool(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(L, index) != 0 { return .integer(Int64(lua_tointegerx(L, index, nil))) }
            let d = lua_tonumberx(L, index, nil)
            if d.isNaN { throw LuaBridgeError("NaN at \(path)") }
            if d.isInfinite { throw LuaBridgeError("infinity at \(path)") }
            return .number(d)
        case LUA_TSTRING:
            return .string(stringValue(index) ?? "")
        case LUA_TLIGHTUSERDATA:
            if lua_touserdata(L, index) == cljson_null() { return .null }
            throw LuaBridgeError("cannot convert a light userdata value at \(path)")
        case LUA_TTABLE:
            return try tableToJSON(index, path: path, visiting: &visiting)
        default:
            throw LuaBridgeError("cannot convert a \(type(index).name) value at \(path)")
        }
    }

    private enum Marker { case none, array, object }

    private func marker(_ index: Int32) -> Marker {
        guard lua_getmetatable(L, index) != 0 else { return .none }
        defer { pop(2) }
        _ = lua54_getmetatable_named(L, CLJSON_ARRAY_MT)
        if lua_rawequal(L, -1, -2) != 0 { return .array }
        pop()
        _ = lua54_getmetatable_named(L, CLJSON_OBJECT_MT)
        return lua_rawequal(L, -1, -2) != 0 ? .object : .none
    }

    private func tableToJSON(_ index: Int32, path: String, visiting: inout [UnsafeRawPointer]) throws -> JSONValue {
        guard let identity = lua_topointer(L, index) else { return .null }
        if visiting.contains(identity) { throw LuaBridgeError("cycle at \(path)") }
        if visiting.count >= Self.maxDepth { throw LuaBridgeError("nesting deeper than \(Self.maxDepth) at \(path)") }
        guard ensureStack(4) else { throw LuaBridgeError("nesting too deep at \(path)") }
        visiting.append(identity)
        defer { visiting.removeLast() }

        let marked = marker(index)
        var count: Int64 = 0, largest: Int64 = 0, strings = 0
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            pop()
            switch lua_type(L, -1) {
            case LUA_TSTRING:
                strings += 1
            case LUA_TNUMBER where lua_isinteger(L, -1) != 0:
                let k = Int64(lua_tointegerx(L, -1, nil))
                if k < 1 && marked != .object {
                    pop()
                    throw LuaBridgeError("integer key \(k) at \(path)")
                }
                count += 1
                largest = max(largest, k)
            default:
                let t = lua_type(L, -1) == LUA_TNUMBER ? "float" : type(-1).name
                pop()
                throw LuaBridgeError("key of type \(t) at \(path)")
            }
        }
        let asArray: Bool
        switch marked {
        case .array:
            if strings > 0 { throw LuaBridgeError("a table marked json.array has string keys at \(path)") }
            asArray = true
        case .object:
            asArray = false
        case .none:
            if strings > 0 && count > 0 { throw LuaBridgeError("a table mixes integer and string keys at \(path)") }
            asArray = count > 0
        }
        if asArray {
            if count != largest { throw LuaBridgeError("sparse array (\(count) items, largest index \(largest)) at \(path)") }
            var items: [JSONValue] = []
            items.reserveCapacity(Int(count))
            for i in 1...max(count, 1) where count > 0 {
                lua_rawgeti(L, index, lua_Integer(i))
                defer { pop() }
                items.append(try toJSON(lua_gettop(L), path: "\(path)[\(i)]", visiting: &visiting))
            }
            return .array(items)
        }
        var fields: [String: JSONValue] = [:]
        fields.reserveCapacity(Int(count) + strings)
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            let key: String
            if lua_type(L, -2) == LUA_TSTRING {
                key = stringValue(-2) ?? ""  // a string key: no conversion happens
            } else {
                key = String(lua_tointegerx(L, -2, nil))
            }
            do {
                fields[key] = try toJSON(lua_gettop(L), path: path + "." + key, visiting: &visiting)
            } catch {
                pop(2)
                throw error
            }
            pop()
        }
        return .object(fields)
    }
}
