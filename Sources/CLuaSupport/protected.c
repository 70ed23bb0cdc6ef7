// Lua API calls that may raise (metamethods, memory), each run under clua_pcall so that the
// Swift caller only sees a status.
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include "CLuaSupport.h"
#include <stdlib.h>
#include <string.h>

static int do_gettable(lua_State *L) {  // table, key
    lua_gettable(L, 1);
    return 1;
}

int clua_safe_gettable(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    lua_pushcfunction(L, do_gettable);
    lua_pushvalue(L, idx);
    lua_rotate(L, -3, -1);  // key, f, t -> f, t, key
    return clua_pcall(L, 2, 1, 0);
}

int clua_safe_getfield(lua_State *L, int idx, const char *k) {
    idx = lua_absindex(L, idx);
    lua_pushstring(L, k);
    return clua_safe_gettable(L, idx);
}

static int do_settable(lua_State *L) {  // table, key, value
    lua_settable(L, 1);
    return 0;
}

int clua_safe_settable(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    lua_pushcfunction(L, do_settable);
    lua_pushvalue(L, idx);
    lua_rotate(L, -4, 2);  // key, value, f, t -> f, t, key, value
    return clua_pcall(L, 3, 0, 0);
}

int clua_safe_setfield(lua_State *L, int idx, const char *k) {
    idx = lua_absindex(L, idx);
    lua_pushstring(L, k);
    lua_insert(L, -2);
    return clua_safe_settable(L, idx);
}

static int do_tostring(lua_State *L) {
    luaL_tolstring(L, 1, NULL);
    return 1;
}

int clua_safe_tostring(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    lua_pushcfunction(L, do_tostring);
    lua_pushvalue(L, idx);
    return clua_pcall(L, 1, 1, 0);
}

static int do_len(lua_State *L) {
    lua_len(L, 1);
    return 1;
}

int clua_safe_len(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    lua_pushcfunction(L, do_len);
    lua_pushvalue(L, idx);
    return clua_pcall(L, 1, 1, 0);
}

// The loaders run inside a pcall and return (status, chunk or message).
static int do_load(lua_State *L) {
    const char *path = (const char *)lua_touserdata(L, 1);
    const char *s = (const char *)lua_touserdata(L, 2);
    size_t len = (size_t)lua_tointeger(L, 3);
    const char *name = (const char *)lua_touserdata(L, 4);
    const char *mode = (const char *)lua_touserdata(L, 5);
    int status = s != NULL ? luaL_loadbufferx(L, s, len, name, mode)
                           : luaL_loadfilex(L, path, NULL);
    lua_pushinteger(L, status);
    lua_insert(L, -2);
    return 2;
}

static int load_protected(lua_State *L, const char *path, const char *s, size_t len, const char *name,
                          const char *mode) {
    lua_pushcfunction(L, do_load);
    lua_pushlightuserdata(L, (void *)path);
    lua_pushlightuserdata(L, (void *)s);
    lua_pushinteger(L, (lua_Integer)len);
    lua_pushlightuserdata(L, (void *)name);
    lua_pushlightuserdata(L, (void *)mode);
    int status = clua_pcall(L, 5, 2, 0);
    if (status != LUA_OK) return status;  // message on top
    status = (int)lua_tointeger(L, -2);
    lua_remove(L, -2);
    return status;
}

int clua_safe_loadfile(lua_State *L, const char *path) {
    return load_protected(L, path, NULL, 0, NULL, NULL);
}

int clua_safe_loadbuffer(lua_State *L, const char *s, size_t len, const char *name) {
    // A NULL buffer would mean "a file": pass a valid empty one instead.
    return load_protected(L, NULL, s != NULL ? s : "", len, name, "t");
}

int clua_safe_loadbinary(lua_State *L, const char *s, size_t len, const char *name) {
    return load_protected(L, NULL, s != NULL ? s : "", len, name, "b");
}

// lua_dump's writer: appends to a growing malloc'd buffer.
typedef struct {
    char *bytes;
    size_t length;
    size_t capacity;
} dump_buffer;

static int append_dump(lua_State *L, const void *p, size_t size, void *ud) {
    (void)L;
    dump_buffer *buffer = ud;
    if (buffer->length + size > buffer->capacity) {
        size_t capacity = buffer->capacity ? buffer->capacity : 4096;
        while (capacity < buffer->length + size) capacity *= 2;
        char *grown = realloc(buffer->bytes, capacity);
        if (grown == NULL) return 1;
        buffer->bytes = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->bytes + buffer->length, p, size);
    buffer->length += size;
    return 0;
}

char *clua_dump(lua_State *L, size_t *len) {
    dump_buffer buffer = {NULL, 0, 0};
    // lua_dump raises nothing: it walks the function and calls the writer.
    if (lua_dump(L, append_dump, &buffer, 0) != 0) {
        free(buffer.bytes);
        return NULL;
    }
    *len = buffer.length;
    return buffer.bytes;
}

const char *clua_ident(void) {
    return lua_ident;
}
