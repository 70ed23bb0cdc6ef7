// json.null, the array/object marker metatables and the byte buffer of the JSON codec.
#include <string.h>
#include "json_internal.h"

static const char json_null_sentinel = 0;
void *cljson_null(void) { return (void *)&json_null_sentinel; }

static int strbuf_gc(lua_State *L) {
    cljson_buf *sb = (cljson_buf *)lua_touserdata(L, 1);
    if (sb != NULL && sb->b != NULL) {
        void *ud;
        lua_Alloc alloc = lua_getallocf(L, &ud);
        alloc(ud, sb->b, sb->cap, 0);
        sb->b = NULL;
        sb->cap = sb->n = 0;
    }
    return 0;
}

cljson_buf *cljson_buf_push(lua_State *L) {
    cljson_buf *sb = (cljson_buf *)lua_newuserdatauv(L, sizeof(cljson_buf), 0);
    sb->b = NULL;
    sb->n = sb->cap = 0;
    sb->L = L;
    if (luaL_newmetatable(L, "coclick.json.buffer")) {
        lua_pushcfunction(L, strbuf_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    return sb;
}

void cljson_buf_grow(cljson_buf *sb, size_t extra) {
    size_t need = sb->n + extra;
    if (need < sb->n) luaL_error(sb->L, "not enough memory");
    size_t cap = sb->cap ? sb->cap : 256;
    while (cap < need) {
        if (cap > ((size_t)-1) / 2) luaL_error(sb->L, "not enough memory");
        cap *= 2;
    }
    void *ud;
    lua_Alloc alloc = lua_getallocf(sb->L, &ud);
    char *b = (char *)alloc(ud, sb->b, sb->b ? sb->cap : 0, cap);
    if (b == NULL) luaL_error(sb->L, "not enough memory");
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
