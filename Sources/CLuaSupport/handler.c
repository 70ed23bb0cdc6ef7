// The message handler (as lua.c's msghandler) and the metatable of API error tables.
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include "CLuaSupport.h"

int clua_msghandler(lua_State *L) {
    const char *msg = lua_tostring(L, 1);
    if (msg != NULL) {
        luaL_traceback(L, L, msg, 1);
        return 1;
    }
    // Not a string: keep the value itself (an API error table keeps its fields) and record
    // where it was raised, for the host's report.
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
        msg = lua_tostring(L, -1);
    else
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    luaL_traceback(L, L, msg, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, CLUA_TRACEBACK_KEY);
    lua_settop(L, 1);
    return 1;
}

static int error_tostring(lua_State *L) {
    if (lua_getmetatable(L, 1) && lua_getfield(L, -1, "description") == LUA_TSTRING) return 1;
    lua_pushliteral(L, "error");
    return 1;
}

void clua_push_error_metatable(lua_State *L, const char *description, size_t len) {
    lua_createtable(L, 0, 3);
    lua_pushliteral(L, "coclick.error");
    lua_setfield(L, -2, "__name");
    lua_pushcfunction(L, error_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushlstring(L, description, len);
    lua_setfield(L, -2, "description");
}
