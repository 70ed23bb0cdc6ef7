import CoClickAPI
import Foundation

@testable import CoClickLua

/// Runs `code` in a fresh state and returns its results as JSON.
func eval(_ code: String, _ state: LuaState? = nil) throws -> [JSONValue?] {
    let state = try state ?? LuaState()
    return try state.evaluate(code).map(\.json)
}

/// The single string a chunk returns.
func evalString(_ code: String, _ state: LuaState? = nil) throws -> String? {
    try eval(code, state).first??.stringValue
}

/// The message of the error a chunk raises, or nil when it does not raise.
func evalError(_ code: String, _ state: LuaState? = nil) throws -> LuaError? {
    let state = try state ?? LuaState()
    do {
        _ = try state.evaluate(code)
        return nil
    } catch let error as LuaError {
        return error
    }
}

/// Sets the global `name` to `value` (raw).
func setGlobal(_ state: LuaState, _ name: String, _ value: JSONValue, nulls: LuaNullPolicy = .jsonNull) {
    state.pushTable(path: nil)
    state.stack.push(value, nulls: nulls)
    state.stack.setField(-2, name)
    state.stack.pop()
}
