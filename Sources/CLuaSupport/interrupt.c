// Ctrl-C, as lua.c does it: the signal handler only sets a flag and a hook; the hook raises
// "interrupted!" from inside Lua, where raising is allowed. The handler itself is the signal
// owner's (CSignals); this file installs none.
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include "CLuaSupport.h"

static void interrupt_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    lua_sethook(L, NULL, 0, 0);
    clua_runtime *rt = clua_runtime_of(L);
    rt->interrupt_requested = 0;
    rt->interrupt_fired = 1;
    luaL_error(L, "interrupted!");
}

void clua_request_interrupt(lua_State *L) {
    clua_runtime_of(L)->interrupt_requested = 1;
    // lua_sethook is documented as safe to call from a signal handler.
    lua_sethook(L, interrupt_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT, 1);
}

int clua_take_interrupt(lua_State *L) {
    clua_runtime *rt = clua_runtime_of(L);
    if (!rt->interrupt_requested) return 0;
    rt->interrupt_requested = 0;
    rt->interrupt_fired = 1;
    lua_sethook(L, NULL, 0, 0);
    return 1;
}

int clua_take_interrupt_fired(lua_State *L) {
    clua_runtime *rt = clua_runtime_of(L);
    int fired = rt->interrupt_fired;
    rt->interrupt_fired = 0;
    return fired;
}

// The Lua state's subscription handler (the signal owner, CSignals, calls it with the state as
// its context): the same request, from the signal handler.
void clua_interrupt_on_signal(int signo, void *L) {
    (void)signo;
    if (L != NULL) clua_request_interrupt((lua_State *)L);
}
