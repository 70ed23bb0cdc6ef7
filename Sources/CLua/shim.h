#ifndef COCLICK_CLUA_SHIM_H
#define COCLICK_CLUA_SHIM_H
// Lua 5.4's API, with its function-like macros re-exposed as static inline functions and
// its computed constants as plain ones, since Swift imports neither.
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

static const int CLUA_REGISTRYINDEX = LUA_REGISTRYINDEX;
static const int CLUA_MULTRET = LUA_MULTRET;
static const int CLUA_RIDX_GLOBALS = LUA_RIDX_GLOBALS;
static const int CLUA_RIDX_MAINTHREAD = LUA_RIDX_MAINTHREAD;

static inline int clua_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline void clua_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void clua_newtable(lua_State *L) { lua_newtable(L); }
static inline void clua_pushcfunction(lua_State *L, lua_CFunction f) { lua_pushcfunction(L, f); }
static inline int clua_isfunction(lua_State *L, int n) { return lua_isfunction(L, n); }
static inline int clua_istable(lua_State *L, int n) { return lua_istable(L, n); }
static inline int clua_islightuserdata(lua_State *L, int n) { return lua_islightuserdata(L, n); }
static inline int clua_isnil(lua_State *L, int n) { return lua_isnil(L, n); }
static inline int clua_isboolean(lua_State *L, int n) { return lua_isboolean(L, n); }
static inline int clua_isthread(lua_State *L, int n) { return lua_isthread(L, n); }
static inline int clua_isnone(lua_State *L, int n) { return lua_isnone(L, n); }
static inline int clua_isnoneornil(lua_State *L, int n) { return lua_isnoneornil(L, n); }
static inline const char *clua_tostring(lua_State *L, int i) { return lua_tostring(L, i); }
static inline lua_Number clua_tonumber(lua_State *L, int i) { return lua_tonumber(L, i); }
static inline lua_Integer clua_tointeger(lua_State *L, int i) { return lua_tointeger(L, i); }
static inline void clua_insert(lua_State *L, int i) { lua_insert(L, i); }
static inline void clua_remove(lua_State *L, int i) { lua_remove(L, i); }
static inline void clua_replace(lua_State *L, int i) { lua_replace(L, i); }
static inline void *clua_newuserdata(lua_State *L, size_t s) { return lua_newuserdata(L, s); }
static inline int clua_getuservalue(lua_State *L, int i) { return lua_getuservalue(L, i); }
static inline int clua_setuservalue(lua_State *L, int i) { return lua_setuservalue(L, i); }
static inline void clua_pushglobaltable(lua_State *L) { lua_pushglobaltable(L); }
static inline void *clua_getextraspace(lua_State *L) { return lua_getextraspace(L); }
static inline const char *clua_pushliteral(lua_State *L, const char *s) { return lua_pushstring(L, s); }
static inline int clua_getmetatable_named(lua_State *L, const char *n) { return luaL_getmetatable(L, n); }
static inline const char *clua_typename_at(lua_State *L, int i) { return luaL_typename(L, i); }
static inline int clua_loadbuffer(lua_State *L, const char *s, size_t sz, const char *n) { return luaL_loadbuffer(L, s, sz, n); }

#endif
