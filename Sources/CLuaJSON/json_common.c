// json.null, the array/object marker metatables and the byte buffer of the JSON codec.
#include <string.h>
#include "json_internal.h"

static const char json_null_sentinel = 0;
void *cljson_null(void) { return (void *)&json_null_sentinel; }

void cljson_buf_push(lua_State *L, cljson_buf *sb) {
    lua_pushnil(L);  // the bytes' userdata takes this slot on the first growth
    sb->b = NULL;
    sb->n = sb->cap = 0;
    sb->L = L;
    sb->slot = lua_gettop(L);
}

void cljson_buf_grow(cljson_buf *sb, size_t extra) {
    size_t need = sb->n + extra;
    if (need < sb->n) luaL_error(sb->L, "not enough memory");
    size_t cap = sb->cap ? sb->cap : 256;
    while (cap < need) {
        if (cap > ((size_t)-1) / 2) luaL_error(sb->L, "not enough memory");
        cap *= 2;
    }
    char *b = (char *)lua_newuserdatauv(sb->L, cap, 0);  // raises "not enough memory" itself
    if (sb->n > 0) memcpy(b, sb->b, sb->n);
    lua_replace(sb->L, sb->slot);
    sb->b = b;
    sb->cap = cap;
}

void cljson_prepare(lua_State *L) {
    if (luaL_newmetatable(L, CLJSON_ARRAY_MT)) {
        lua_pushliteral(L, "json.array");
        lua_setfield(L, -2, "__name");
    }
    lua_pop(L, 1);
    if (luaL_newmetatable(L, CLJSON_OBJECT_MT)) {
        lua_pushliteral(L, "json.object");
        lua_setfield(L, -2, "__name");
    }
    lua_pop(L, 1);
}

static int mark(lua_State *L, const char *mt) {
    if (lua_isnoneornil(L, 1)) {
        lua_settop(L, 0);
        lua_newtable(L);
    } else {
        luaL_checktype(L, 1, LUA_TTABLE);
        lua_settop(L, 1);
    }
    luaL_setmetatable(L, mt);
    return 1;
}

int cljson_array(lua_State *L) { return mark(L, CLJSON_ARRAY_MT); }
int cljson_object(lua_State *L) { return mark(L, CLJSON_OBJECT_MT); }
