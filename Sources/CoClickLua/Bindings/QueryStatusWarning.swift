import CLua
import CLuaSupport
import CoClickAPI

/// A `q` status outside the documented four draws a warning on standard error, once per value
/// and run; the request is still sent (the service may know more).
enum QueryStatusWarning {
    /// The registry table of the values already warned about.
    static let registryKey = "coclick.warned_statuses"

    static func check(_ q: JSONValue, _ call: LuaCall) {
        let values: [String]
        switch q["status"] {
        case .string(let status)?: values = [status]
        case .array(let items)?: values = items.compactMap(\.stringValue)
        default: return
        }
        for value in values {
            if case .unknown = MeetingStatus(rawValue: value) { warn(value, call) }
        }
    }

    private static func warn(_ value: String, _ call: LuaCall) {
        let L = call.L
        guard call.ensureStack(3), let host = clua_runtime_of(L).pointee.host else { return }
        if lua_getfield(L, LUA54_REGISTRYINDEX, registryKey) != LUA_TTABLE {
            call.pop()
            call.newTable()
            lua_pushvalue(L, -1)
            lua_setfield(L, LUA54_REGISTRYINDEX, registryKey)
        }
        let seen = call.rawField(-1, value) != .nil
        call.pop()
        if !seen {
            call.push(true)
            call.setField(-2, value)
        }
        call.pop()
        if seen { return }
        let known = ["scheduled", "in_progress", "closed", "cancelled"]
        let state = Unmanaged<LuaState>.fromOpaque(host).takeUnretainedValue()
        state.writeLog(
            level: "WARN", message: "q.status \(value.debugDescription) is not one of \(known.joined(separator: ", ")); the request is sent anyway")
    }
}
