import CLua
import CLuaSupport

/// A Swift function callable from Lua. It reads its arguments from the `LuaCall`, pushes its
/// results and returns how many; it throws `LuaArgumentError`, `LuaScriptError`, a
/// `LuaErrorConvertible` or any other error (raised as its description) to raise a Lua error.
/// It never raises itself: the C trampoline does, after this frame has returned.
public typealias LuaFunction = (LuaCall) throws -> LuaResult

/// A binding written as a function of C's calling convention, for the hottest bindings: the
/// trampoline calls it straight, without the dispatcher and the closure in between. It cannot
/// capture anything (a binding that needs Swift state, such as the API session, is a closure)
/// and must not raise: write its body as `{ L, _ in LuaBinding.run(L) { call in ... } }`.
public typealias LuaBindingFunction = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Int32

public enum LuaBinding {
    /// Runs a binding's body and turns what it threw into a trampoline status and an error value
    /// on the stack (see `CLUA_STATUS_*`). Inlined, also into other modules, so that a
    /// `LuaBindingFunction` is one frame.
    @inlinable @inline(__always)
    public static func run(_ state: OpaquePointer?, _ body: (LuaCall) throws -> LuaResult) -> Int32 {
        let call = LuaCall(state.unsafelyUnwrapped)
        do {
            return try body(call).count
        } catch {
            return raiseStatus(for: error, call)
        }
    }
}

/// Holds a binding's closure; the Lua closure's upvalue owns one retain of it, released by __gc.
final class LuaBindingBox {
    let body: LuaFunction
    init(_ body: @escaping LuaFunction) { self.body = body }

    /// The (function, context) pair the trampoline calls, taking one retain of the box.
    static func retainedBinding(_ body: @escaping LuaFunction) -> (clua_binding_fn, UnsafeMutableRawPointer) {
        (dispatchBinding, Unmanaged.passRetained(LuaBindingBox(body)).toOpaque())
    }
}

/// The function the trampoline calls for a closure binding, its box as context.
private let dispatchBinding: clua_binding_fn = { state, raw in
    // The Lua function owns the box for the whole call: no retain/release needed here.
    Unmanaged<LuaBindingBox>.fromOpaque(raw.unsafelyUnwrapped)._withUnsafeGuaranteedRef { box in
        LuaBinding.run(state) { try box.body($0) }
    }
}

@usableFromInline
func raiseStatus(for error: any Error, _ call: LuaCall) -> Int32 {
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
let luaDispatchInstalled: Void = clua_set_release(releaseBinding)

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
