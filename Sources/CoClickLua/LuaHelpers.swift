import CLua
import CLuaJSON
import CLuaSupport
import CoClickAPI
import CoClickPOSIX
import Glibc

/// Installs the globals `json`, `csv`, `log`, `pp` and `coclick` (with `time` and `tabulate`),
/// and `package.loaded.coclick`.
enum LuaHelpers {
    static let renderKey = "coclick.render"
}

extension LuaState {
    func installHelpers() throws {
        let s = stack
        cljson_prepare(L)

        // json: the codec is C (it raises freely there).
        register("encode", in: "json", cFunction: cljson_encode)
        register("decode", in: "json", cFunction: cljson_decode)
        register("array", in: "json", cFunction: cljson_array)
        register("object", in: "json", cFunction: cljson_object)
        pushTable(path: "json")
        s.pushJSONNull()
        s.setField(-2, "null")
        s.pop()

        // coclick, also as require "coclick".
        pushTable(path: "coclick")
        lua_getfield(L, LUA54_REGISTRYINDEX, LUA_LOADED_TABLE)
        lua_pushvalue(L, -2)
        s.setField(-2, "coclick")
        s.pop(2)
        installTime()

        pushTable(path: "csv")
        s.pop()
        register("decode", in: "csv", function: { L, _ in LuaBinding.run(L) { call in try CSVBridge.decode(call) } })

        // The internals the Lua prelude builds on.
        let base = lua_gettop(L)
        try loadPrelude()
        s.newTable()
        for name in ["json", "coclick", "csv"] {
            pushTable(path: name)
            s.setField(-2, name)
        }
        // The prelude hands over pp's renderer and the output formats' (kept in the registry).
        for (name, key) in [("register_render", LuaHelpers.renderKey), ("register_output", ResultOutput.outputKey)] {
            s.push(function: { call in
                call.setTop(1)
                lua_setfield(call.L, LUA54_REGISTRYINDEX, key)
                return .none
            })
            s.setField(-2, name)
        }
        s.push(function: { [unowned self] call in
            let level = try call.string(1)
            let message = try call.string(2)
            self.writeLog(level: level, message: message)
            return .none
        })
        s.setField(-2, "log")
        s.push(function: { [unowned self] call in
            // The terminal's width on standard output (nil when it is not a terminal), for pp:
            // the host measures it (CoClickLua knows no terminal).
            guard let columns = self.configuration.terminalColumns?() else { return .none }
            call.push(columns)
            return .values(1)
        })
        s.setField(-2, "columns")
        s.push(function: { call in try CSVBridge.encode(call) })
        s.setField(-2, "csv_encode")
        try call(arguments: 1, results: 0)
        lua_settop(L, base)
    }

    func writeLog(level: String, message: String) {
        if level == "INFO" && configuration.quiet { return }
        let line = "\(LuaTime.timestamp()) \(level) \(message)"
        if let sink = configuration.logSink {
            sink(line)
        } else {
            FileDescriptorOutput.writeAll(line + "\n", to: STDERR_FILENO)
        }
    }
}
