// CoClickLua: the Lua 5.4 runtime of coclick.
//
// - `LuaState` owns a lua_State (standard libraries, package.path/cpath as lua5.4 sets them,
//   LUA_PATH_5_4/LUA_PATH/LUA_CPATH honoured) and the helpers `json`, `csv`, `log`, `pp`,
//   `coclick.time`, `coclick.tabulate`; `require "coclick"` returns the `coclick` table.
// - Bindings: `state.register("list", in: "coclick.meetings") { call in ... }`. A binding reads
//   its arguments through `LuaCall` (`call.string(1)`, `call.optionalTable(2)`,
//   `call.integerField(t, "per")`, `call.json(1)`), pushes results, returns `.values(n)`, and
//   throws to raise: `LuaArgumentError` (bad argument #n to 'name' (...)), `LuaScriptError`
//   (a message with the caller's position), a `LuaErrorConvertible` (its own value, e.g. an API
//   error table made by `call.pushErrorTable`), anything else (its description). The C
//   trampoline raises after the Swift frame has returned: Swift never longjmps. A binding that
//   captures nothing can be registered as a `@convention(c)` function instead,
//   `register("format", in: "coclick.time", function: { L, _ in LuaBinding.run(L) { call in ... } })`:
//   the trampoline calls it with one frame fewer (see `scripts/bench lua`).
// - Hosts (the runner, the REPL): `LuaState`'s methods, each a whole operation that leaves the
//   stack as it was (`evaluate`, `run(file:)`, `compile`, `call(path, arguments:output:)`,
//   `rawKeys(at:)`, `hook(_:in:before:)`, `takeInterrupt`, ... in LuaState+Host.swift), and
//   `LuaInterruptHandle` for a signal handler. The raw `lua_State` and the stack stay in here:
//   no host imports CLua or CLuaSupport. Nothing here measures the terminal: the host passes
//   its width in (`Configuration.terminalColumns` for `pp`, `installHelp(in:width:)`).
// - Memory: see CLuaSupport.h. While Swift runs the allocator never fails; over the
//   `--max-memory` cap the binding's caller gets "not enough memory" once the binding returns.
// - Async work: `call.blockingAwait { try await client.meeting(id: id) }` blocks the Lua thread
//   and gives up (cancelling the task) on Ctrl-C.
// - JSON bridge (`call.push(json, nulls:)`, `call.json(index)`) and json.encode/decode share
//   one set of rules, documented on `LuaNullPolicy`'s extension in LuaBridge.swift.
