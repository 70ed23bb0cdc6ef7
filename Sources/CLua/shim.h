#ifndef COCLICK_CLUA_SHIM_H
#define COCLICK_CLUA_SHIM_H
// Lua 5.4's API, with its function-like macros re-exposed as static inline functions and
// its computed constants as plain ones, since Swift imports neither. Prefix `lua54_`/`LUA54_`
// (each C module has its own: CLuaSupport `clua_`, CLuaJSON `cljson_`, CEditLineShim `cedit_`).
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

static const int LUA54_REGISTRYINDEX = LUA_REGISTRYINDEX;
static const int LUA54_MULTRET = LUA_MULTRET;
static const int LUA54_RIDX_GLOBALS = LUA_RIDX_GLOBALS;
static const int LUA54_RIDX_MAINTHREAD = LUA_RIDX_MAINTHREAD;

static inline int lua54_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline void lua54_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void lua54_newtable(lua_State *L) { lua_newtable(L); }
static inline void lua54_pushcfunction(lua_State *L, lua_CFunction f) { lua_pushcfunction(L, f); }
static inline int lua54_isfunction(lua_State *L, int n) { return lua_isfunction(L, n); }
static inline int lua54_istable(lua_State *L, int n) { return lua_istable(L, n); }
static inline int lua54_islightuserdata(lua_State *L, int n) { return lua_islightuserdata(L, n); }
static inline int lua54_isnil(lua_State *L, int n) { return lua_isnil(L, n); }
static inline int lua54_isboolean(lua_State *L, int n) { return lua_isboolean(L, n); }
static inline int lua54_isthread(lua_State *L, int n) { return lua_isthread(L, n); }
static inline int lua54_isnone(lua_State *L, int n) { return lua_isnone(L, n); }
static inline int lua54_isnoneornil(lua_State *L, int n) { return lua_isnoneornil(L, n); }
static inline const char *lua54_tostring(lua_State *L, int i) { return lua_tostring(L, i); }
static inline lua_Number lua54_tonumber(lua_State *L, int i) { return lua_tonumber(L, i); }
static inline lua_Integer lua54_tointeger(lua_State *L, int i) { return lua_tointeger(L, i); }
static inline void lua54_insert(lua_State *L, int i) { lua_insert(L, i); }
static inline void lua54_remove(lua_State *L, int i) { lua_remove(L, i); }
static inline void lua54_replace(lua_State *L, int i) { lua_replace(L, i); }
static inline void *lua54_newuserdata(lua_State *L, size_t s) { return lua_newuserdata(L, s); }
static inline int lua54_getuservalue(lua_State *L, int i) { return lua_getuservalue(L, i); }
static inline int lua54_setuservalue(lua_State *L, int i) { return lua_setuservalue(L, i); }
static inline void lua54_pushglobaltable(lua_State *L) { lua_pushglobaltable(L); }
static inline void *lua54_getextraspace(lua_State *L) { return lua_getextraspace(L); }
static inline const char *lua54_pushliteral(lua_State *L, const char *s) { return lua_pushstring(L, s); }
static inline int lua54_getmetatable_named(lua_State *L, const char *n) { return luaL_getmetatable(L, n); }
static inline const char *lua54_typename_at(lua_State *L, int i) { return luaL_typename(L, i); }
static inline int lua54_loadbuffer(lua_State *L, const char *s, size_t sz, const char *n) { return luaL_loadbuffer(L, s, sz, n); }

#endif
