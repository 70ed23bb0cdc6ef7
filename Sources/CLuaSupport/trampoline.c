// The call trampoline: the C side of every Swift binding. The Swift dispatcher returns a status
// and this function raises, if it must, after the Swift frame is gone.
#include "CLuaSupport.h"
#include <stdio.h>

static clua_dispatch_fn swift_dispatch;
static clua_release_fn swift_release;

void clua_set_dispatch(clua_dispatch_fn dispatch, clua_release_fn release) {
    swift_dispatch = dispatch;
    swift_release = release;
}

static const char BOX_MT[] = "coclick.binding";

static int box_gc(lua_State *L) {
    void **box = (void **)lua_touserdata(L, 1);
    if (box != NULL && *box != NULL) {
        void *binding = *box;
        *box = NULL;
        clua_runtime *rt = clua_runtime_of(L);
        rt->swift_depth++;  // Swift runs the release (and maybe a deinit)
        swift_release(binding);
        rt->swift_depth--;
    }
    return 0;
}

static int trampoline(lua_State *L) {
    void *binding = *(void **)lua_touserdata(L, lua_upvalueindex(1));
    clua_runtime *rt = clua_runtime_of(L);
    int nargs = lua_gettop(L);
    rt->swift_depth++;
    int status = swift_dispatch(L, binding);
    rt->swift_depth--;
    if (rt->over_limit_in_swift) {
        rt->over_limit_in_swift = 0;
        if (rt->swift_depth == 0 && rt->limit != 0 && rt->used > rt->limit) {
            lua_settop(L, 0);  // drop what the binding built, then fail as Lua would
            lua_pushliteral(L, "not enough memory");  // interned already: no allocation
            return lua_error(L);
        }
    }
    if (status >= 0) return status;
    switch (status) {
    case CLUA_STATUS_ERROR_WHERE:
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
        return lua_error(L);
    case CLUA_STATUS_ARGERROR:
        return luaL_argerror(L, rt->error_arg, lua_tostring(L, -1));
    case CLUA_STATUS_TYPEERROR: {
        // luaL_typeerror reads the argument's type: drop what the binding pushed first.
        char expected[64];
        const char *name = lua_tostring(L, -1);
        snprintf(expected, sizeof expected, "%s", name ? name : "?");
        lua_settop(L, nargs);
        return luaL_typeerror(L, rt->error_arg, expected);
    }
    default:
        return lua_error(L);
    }
}

void clua_pushbinding(lua_State *L, void *binding) {
    void **box = (void **)lua_newuserdatauv(L, sizeof(void *), 0);
    *box = binding;
    if (luaL_newmetatable(L, BOX_MT)) {
        lua_pushcfunction(L, box_gc);
        lua_setfield(L, -2, "__gc");
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, "__metatable");
    }
    lua_setmetatable(L, -2);
    lua_pushcclosure(L, trampoline, 1);
}

int clua_noop(lua_State *L) {
    (void)L;
    return 0;
}
