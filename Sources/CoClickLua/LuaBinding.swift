import CLua
import CLuaSupport

/// A Swift function callable from Lua. It reads its arguments from the `LuaCall`, pushes its
/// results and returns how many; it throws `LuaArgumentError`, `LuaScriptError`, a
/// `LuaErrorConvertible` or any other error (raised as its description) to raise a Lua error.
/// It never raises itself: the C trampoline does, after this frame has returned.
public typealias LuaFunction = (LuaCall) throws -> LuaResult

/// Holds a binding's closure; the Lua closure's upvalue owns one retain of it, released by __gc.
final class LuaBindingBox {
    let body: LuaFunction
    init(_ body: @escaping LuaFunction) { self.body = body }
}

/// The dispatcher the C trampoline calls: runs the closure and turns what it threw into a
/// status and an error value on the stack (see `CLUA_STATUS_*`).
private let dispatchBinding: clua_dispatch_fn = { state, raw in
    let L = state.unsafelyUnwrapped
    let call = LuaCall(L)
    do {
        // The Lua closure owns the box for the whole call: no retain/release needed here.
        return try Unmanaged<LuaBindingBox>.fromOpaque(raw.unsafelyUnwrapped)
            ._withUnsafeGuaranteedRef { try $0.body(call) }.count
    } catch {
        return raiseStatus(for: error, call)
    }
}

private func raiseStatus(for error: any Error, _ call: LuaCall) -> Int32 {
    switch error {
    case let error as LuaArgumentError:
        clua_runtime_of(call.L).pointee.error_arg = error.argument
        if let expected = error.expectedType {
            // Worded as Lua's own type errors; read the argument before pushing anything.
            call.push("\(expected) expected, got \(call.typeNameForError(error.argument))")
        } else {
            call.push(error.message)
        }
        return Int32(CLUA_STATUS_ARGERROR)
    case let error as any LuaErrorConvertible:
        error.pushLuaError(call)
        return Int32(CLUA_STATUS_ERROR)
    default:
        call.push(String(describing: error))
        return Int32(CLUA_STATUS_ERROR_WHERE)
    }
}

private let releaseBinding: clua_release_fn = { raw in
    if let raw { Unmanaged<LuaBindingBox>.fromOpaque(raw).release() }
}

/// Installed once per process, before the first state is made.
let luaDispatchInstalled: Void = clua_set_dispatch(dispatchBinding, releaseBinding)

extension LuaCall {
    /// The type name Lua's type errors show: `__name` when the metatable has a string one.
    func typeNameForError(_ index: Int32) -> String {
        if index > lua_gettop(L) { return "no value" }
        if lua_getmetatable(L, index) != 0 {
            defer { pop(2) }
            if rawField(-1, "__name") == .string, let name = stringValue(-1) { return name }
        }
        return type(index) == .lightUserdata ? "light userdata" : type(index).name
    }
}
