// json.encode: walks Lua values directly into a byte buffer.
//
// Tables: a table with the json.array metatable is an array, with json.object's an object.
// Otherwise: keys 1..n and nothing else make an array; string keys only make an object; an
// empty table is an object `{}`. Refused, with the path in the message: sparse arrays, tables
// mixing integer and string keys, keys of other types (booleans, floats, tables...), cycles,
// nesting deeper than 200, NaN and infinities, invalid UTF-8, functions and userdata (other than
// json.null). Object keys are written sorted, so output is stable. Integers are written as
// integers, floats always with a '.' or an exponent (1.0 stays 1.0), shortest round-trip digits.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json_internal.h"

typedef struct {
    int is_index;
    lua_Integer index;
    const char *key;
    size_t key_len;
} path_frame;

typedef struct {
    lua_State *L;
    cljson_buf out;
    int pretty;
    int depth;
    int array_mt, object_mt;  // stack slots
    const void *tables[CLJSON_MAX_DEPTH + 1];
    path_frame path[CLJSON_MAX_DEPTH + 1];
} encoder;

static void push_path(encoder *e) {
    luaL_checkstack(e->L, 4, "json.encode: nesting too deep");  // the slot, a growth, the result
    cljson_buf b;  // not a luaL_Buffer: its box relies on a finalizer
    cljson_buf_push(e->L, &b);
    cljson_buf_addc(&b, '$');
    for (int i = 0; i < e->depth; i++) {
        path_frame *f = &e->path[i];
        if (f->is_index) {
            char num[32];
            snprintf(num, sizeof num, "[%lld]", (long long)f->index);
            cljson_buf_add(&b, num, strlen(num));
        } else {
            cljson_buf_addc(&b, '.');
            cljson_buf_add(&b, f->key, f->key_len);
        }
    }
    lua_pushlstring(e->L, b.b, b.n);
}

static int fail(encoder *e, const char *msg) {
    push_path(e);
    const char *path = lua_tostring(e->L, -1);
    return luaL_error(e->L, "json.encode: %s at %s", msg, path);
}

static void add_indent(encoder *e) {
    if (!e->pretty) return;
    cljson_buf_addc(&e->out, '\n');
    for (int i = 0; i < e->depth; i++) cljson_buf_add(&e->out, "  ", 2);
}

static void encode_string(encoder *e, const char *str, size_t len) {
    static const char hex[] = "0123456789abcdef";
    cljson_buf *out = &e->out;
    const unsigned char *s = (const unsigned char *)str;
    cljson_buf_addc(out, '"');
    size_t i = 0;
    while (i < len) {
        size_t run = i;
        while (i < len && s[i] >= 0x20 && s[i] < 0x80 && s[i] != '"' && s[i] != '\\') i++;
        if (i > run) cljson_buf_add(out, (const char *)s + run, i - run);
        if (i >= len) break;
        unsigned char c = s[i];
        if (c >= 0x80) {
            size_t n = cljson_utf8_len(s + i, len - i);
            if (n == 0) fail(e, "invalid UTF-8 in a string");
            cljson_buf_add(out, (const char *)s + i, n);
            i += n;
            continue;
        }
        char esc[6] = {'\\', 0, 0, 0, 0, 0};
        size_t n = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        default:
            esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
            esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
            n = 6;
        }
        cljson_buf_add(out, esc, n);
        i++;
    }
    cljson_buf_addc(out, '"');
}

static void encode_float(encoder *e, lua_Number x) {
    if (isnan(x)) fail(e, "NaN");
    if (isinf(x)) fail(e, "infinity");
    char buf[40];
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {  // shortest digits that read back the same
        n = snprintf(buf, sizeof buf, "%.*g", prec, (double)x);
        if (strtod(buf, NULL) == (double)x) break;
    }
    for (int i = 0; i < n; i++) if (buf[i] == ',') buf[i] = '.';  // a decimal-comma locale
    if (strpbrk(buf, ".eE") == NULL) { buf[n++] = '.'; buf[n++] = '0'; }
    cljson_buf_add(&e->out, buf, (size_t)n);
}

static void encode_value(encoder *e, int idx);

typedef struct {
    const char *key;
    size_t len;
    char num[24];   // an integer key of a forced object, as text
} key_entry;

static int compare_keys(const void *a, const void *b) {
    const key_entry *x = (const key_entry *)a, *y = (const key_entry *)b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->key, y->key, n);
    if (c != 0) return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

static const char *key_type_name(lua_State *L, int idx) {
    if (lua_type(L, idx) == LUA_TNUMBER) return lua_isinteger(L, idx) ? "integer" : "float";
    return luaL_typename(L, idx);
}

static void encode_table(encoder *e, int idx) {
    lua_State *L = e->L;
    const void *self = lua_topointer(L, idx);
    for (int i = 0; i < e->depth; i++)
        if (e->tables[i] == self) fail(e, "cycle");
    if (e->depth >= CLJSON_MAX_DEPTH) fail(e, "nesting deeper than 200");
    luaL_checkstack(L, 6, "json.encode: nesting too deep");

    int forced = 0;  // 1 array, 2 object
    if (lua_getmetatable(L, idx)) {
        if (lua_rawequal(L, -1, e->array_mt)) forced = 1;
        else if (lua_rawequal(L, -1, e->object_mt)) forced = 2;
        lua_pop(L, 1);
    }
    lua_Integer count = 0, max = 0;
    size_t strings = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        int kt = lua_type(L, -1);
        if (kt == LUA_TSTRING) { strings++; continue; }
        if (kt == LUA_TNUMBER && lua_isinteger(L, -1)) {
            lua_Integer k = lua_tointeger(L, -1);
            if (k >= 1) {
                count++;
                if (k > max) max = k;
                continue;
            }
            if (forced != 2) {
                lua_pushfstring(L, "integer key %I", k);
                fail(e, lua_tostring(L, -1));
            }
            count++;
            continue;
        }
        lua_pushfstring(L, "key of type %s", key_type_name(L, -1));
        fail(e, lua_tostring(L, -1));
    }

    int as_array;
    if (forced == 1) {
        if (strings > 0) fail(e, "a table marked json.array has string keys");
        as_array = 1;
    } else if (forced == 2) {
        as_array = 0;
    } else if (strings > 0 && count > 0) {
        fail(e, "a table mixes integer and string keys");
        return;
    } else {
        as_array = count > 0;
    }
    if (as_array && count != max) {
        lua_pushfstring(L, "sparse array (%I items, largest index %I)", count, max);
        fail(e, lua_tostring(L, -1));
    }

    e->tables[e->depth] = self;
    if (as_array) {
        cljson_buf_addc(&e->out, '[');
        e->depth++;
        for (lua_Integer i = 1; i <= max; i++) {
            if (i > 1) cljson_buf_addc(&e->out, ',');
            add_indent(e);
            e->path[e->depth - 1] = (path_frame){1, i, NULL, 0};
            lua_rawgeti(L, idx, i);
            encode_value(e, lua_gettop(L));
            lua_pop(L, 1);
        }
        e->depth--;
        if (max > 0) add_indent(e);
        cljson_buf_addc(&e->out, ']');
        return;
    }

    size_t n = (size_t)count + strings;
    key_entry *keys = n ? (key_entry *)lua_newuserdatauv(L, n * sizeof(key_entry), 0) : NULL;
    int keys_slot = lua_gettop(L);  // keeps the array alive; string keys live in the table
    size_t k = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        key_entry *entry = &keys[k++];
        if (lua_type(L, -1) == LUA_TSTRING) {
            entry->key = lua_tolstring(L, -1, &entry->len);
        } else {
            entry->len = (size_t)snprintf(entry->num, sizeof entry->num, "%lld", (long long)lua_tointeger(L, -1));
            entry->key = NULL;
        }
    }
    for (size_t i = 0; i < n; i++) if (keys[i].key == NULL) keys[i].key = keys[i].num;
    if (n > 1) qsort(keys, n, sizeof(key_entry), compare_keys);

    cljson_buf_addc(&e->out, '{');
    e->depth++;
    for (size_t i = 0; i < n; i++) {
        if (i > 0) cljson_buf_addc(&e->out, ',');
        add_indent(e);
        e->path[e->depth - 1] = (path_frame){0, 0, keys[i].key, keys[i].len};
        encode_string(e, keys[i].key, keys[i].len);
        cljson_buf_addc(&e->out, ':');
        if (e->pretty) cljson_buf_addc(&e->out, ' ');
        if (keys[i].key == keys[i].num) {
            lua_pushinteger(L, (lua_Integer)strtoll(keys[i].num, NULL, 10));
        } else {
            lua_pushlstring(L, keys[i].key, keys[i].len);
        }
        lua_rawget(L, idx);
        encode_value(e, lua_gettop(L));
        lua_pop(L, 1);
    }
    e->depth--;
    if (n > 0) add_indent(e);
    cljson_buf_addc(&e->out, '}');
    lua_settop(L, keys_slot - (keys ? 1 : 0));
}

static void encode_value(encoder *e, int idx) {
    lua_State *L = e->L;
    switch (lua_type(L, idx)) {
    case LUA_TNIL: cljson_buf_add(&e->out, "null", 4); return;
    case LUA_TBOOLEAN:
        if (lua_toboolean(L, idx)) cljson_buf_add(&e->out, "true", 4);
        else cljson_buf_add(&e->out, "false", 5);
        return;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            char buf[24];
            int n = snprintf(buf, sizeof buf, "%lld", (long long)lua_tointeger(L, idx));
            cljson_buf_add(&e->out, buf, (size_t)n);
        } else {
            encode_float(e, lua_tonumber(L, idx));
        }
        return;
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        encode_string(e, s, len);
        return;
    }
    case LUA_TLIGHTUSERDATA:
        if (lua_touserdata(L, idx) == cljson_null()) {
            cljson_buf_add(&e->out, "null", 4);
            return;
        }
        break;
    case LUA_TTABLE:
        encode_table(e, idx);
        return;
    default:
        break;
    }
    lua_pushfstring(L, "cannot encode a %s value", luaL_typename(L, idx));
    fail(e, lua_tostring(L, -1));
}

int cljson_encode(lua_State *L) {
    luaL_checkany(L, 1);
    int pretty = 0;
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        lua_getfield(L, 2, "pretty");
        pretty = lua_toboolean(L, -1);
    }
    lua_settop(L, 1);
    encoder *e = (encoder *)lua_newuserdatauv(L, sizeof(encoder), 0);  // too big for the C stack
    e->L = L;
    e->pretty = pretty;
    e->depth = 0;
    cljson_prepare(L);
    luaL_getmetatable(L, CLJSON_ARRAY_MT);
    e->array_mt = lua_gettop(L);
    luaL_getmetatable(L, CLJSON_OBJECT_MT);
    e->object_mt = lua_gettop(L);
    cljson_buf_push(L, &e->out);
    encode_value(e, 1);
    lua_pushlstring(L, e->out.b ? e->out.b : "", e->out.n);
    return 1;
}
