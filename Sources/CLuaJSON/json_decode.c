// json.decode: a byte-level decoder pushing straight onto the Lua stack. Arrays get the
// json.array metatable (so `[]` encodes back as `[]`), null becomes json.null, integers that fit
// in 64 bits stay integers, everything else numeric is a float. Errors name the byte offset.
#include <math.h>
#include <string.h>
#include "json_internal.h"

typedef struct {
    lua_State *L;
    const unsigned char *start, *p, *end;
    int depth;
    int array_mt;   // stack slot of the array metatable
    cljson_buf scratch;
} decoder;

static int fail(decoder *d, const char *what) {
    return luaL_error(d->L, "json.decode: %s at byte %d", what, (int)(d->p - d->start) + 1);
}

static inline void skip_ws(decoder *d) {
    while (d->p < d->end && (*d->p == ' ' || *d->p == '\n' || *d->p == '\r' || *d->p == '\t')) d->p++;
}

static void decode_value(decoder *d);

static int hexval(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static unsigned read_hex4(decoder *d) {  // d->p at the first hex digit
    if (d->end - d->p < 4) fail(d, "truncated unicode escape");
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(d->p[i]);
        if (h < 0) fail(d, "invalid unicode escape");
        v = (v << 4) | (unsigned)h;
    }
    d->p += 4;
    return v;
}

static void add_utf8(cljson_buf *sb, unsigned cp) {
    char out[4];
    size_t n;
    if (cp < 0x80) { out[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { out[0] = (char)(0xC0 | (cp >> 6)); out[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
    else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12)); out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
    } else {
        out[0] = (char)(0xF0 | (cp >> 18)); out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); out[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
    }
    cljson_buf_add(sb, out, n);
}

// Advances p over plain string bytes (no quote, backslash or control character), checking that
// bytes above 0x7F form valid UTF-8 (what json.encode accepts back): an error names the byte.
static const unsigned char *skip_plain(decoder *d, const unsigned char *p) {
    const unsigned char *end = d->end;
    for (;;) {
        while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') p++;
        if (p >= end || *p < 0x80) return p;
        size_t n = cljson_utf8_len(p, (size_t)(end - p));
        if (n == 0) { d->p = p; fail(d, "invalid UTF-8 in a string"); }
        p += n;
    }
}

// d->p just after the opening quote; pushes the string.
static void decode_string(decoder *d) {
    const unsigned char *s = d->p;
    const unsigned char *p = skip_plain(d, s);
    const unsigned char *end = d->end;
    if (p < end && *p == '"') {
        lua_pushlstring(d->L, (const char *)s, (size_t)(p - s));
        d->p = p + 1;
        return;
    }
    cljson_buf *sb = &d->scratch;
    sb->n = 0;
    cljson_buf_add(sb, (const char *)s, (size_t)(p - s));
    d->p = p;
    for (;;) {
        if (d->p >= end) fail(d, "unterminated string");
        unsigned char c = *d->p;
        if (c == '"') { d->p++; break; }
        if (c < 0x20) fail(d, "control character in string");
        if (c != '\\') {
            const unsigned char *run = d->p;
            d->p = skip_plain(d, run);
            cljson_buf_add(sb, (const char *)run, (size_t)(d->p - run));
            continue;
        }
        d->p++;
        if (d->p >= end) fail(d, "unterminated string");
        c = *d->p++;
        switch (c) {
        case '"': cljson_buf_addc(sb, '"'); break;
        case '\\': cljson_buf_addc(sb, '\\'); break;
        case '/': cljson_buf_addc(sb, '/'); break;
        case 'b': cljson_buf_addc(sb, '\b'); break;
        case 'f': cljson_buf_addc(sb, '\f'); break;
        case 'n': cljson_buf_addc(sb, '\n'); break;
        case 'r': cljson_buf_addc(sb, '\r'); break;
        case 't': cljson_buf_addc(sb, '\t'); break;
        case 'u': {
            unsigned cp = read_hex4(d);
            if (cp >= 0xDC00 && cp <= 0xDFFF) { d->p -= 6; fail(d, "lone low surrogate in unicode escape"); }
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (d->end - d->p < 6 || d->p[0] != '\\' || d->p[1] != 'u') {
                    d->p -= 6;
                    fail(d, "high surrogate not followed by a low surrogate");
                }
                d->p += 2;
                unsigned lo = read_hex4(d);
                if (lo < 0xDC00 || lo > 0xDFFF) { d->p -= 12; fail(d, "high surrogate not followed by a low surrogate"); }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            add_utf8(sb, cp);
            break;
        }
        default:
            d->p -= 2;
            fail(d, "invalid escape in string");
        }
    }
    lua_pushlstring(d->L, sb->b, sb->n);
}

static void decode_number(decoder *d) {
    const unsigned char *s = d->p, *p = d->p, *end = d->end;
    int neg = 0, is_int = 1;
    if (p < end && *p == '-') { neg = 1; p++; }
    if (p >= end || *p < '0' || *p > '9') fail(d, "invalid number");
    unsigned long long v = 0;
    int digits = 0;
    if (*p == '0') { p++; digits = 1; }
    else while (p < end && *p >= '0' && *p <= '9') { v = v * 10 + (unsigned)(*p - '0'); p++; digits++; }
    if (p < end && *p >= '0' && *p <= '9') { d->p = p; fail(d, "leading zero in number"); }
    if (p < end && *p == '.') {
        is_int = 0;
        p++;
        if (p >= end || *p < '0' || *p > '9') { d->p = p; fail(d, "invalid number"); }
        while (p < end && *p >= '0' && *p <= '9') p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        is_int = 0;
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        if (p >= end || *p < '0' || *p > '9') { d->p = p; fail(d, "invalid number"); }
        while (p < end && *p >= '0' && *p <= '9') p++;
    }
    d->p = p;
    if (is_int && digits <= 18) {
        lua_pushinteger(d->L, neg ? -(lua_Integer)v : (lua_Integer)v);
        return;
    }
    // Floats and long integers: Lua's own conversion (locale-proof, integer when it fits,
    // float otherwise) on a NUL-terminated copy.
    char buf[128];
    size_t len = (size_t)(p - s);
    if (len >= sizeof buf) { d->p = s; fail(d, "number too long"); }
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (lua_stringtonumber(d->L, buf) == 0) { d->p = s; fail(d, "invalid number"); }
    // 1e400 would be an infinity, which json.encode (and JSON) cannot express: refused here too.
    if (!lua_isinteger(d->L, -1) && isinf(lua_tonumber(d->L, -1))) { d->p = s; fail(d, "number out of range"); }
}

static void expect_literal(decoder *d, const char *lit, size_t len) {
    if ((size_t)(d->end - d->p) < len || memcmp(d->p, lit, len) != 0) fail(d, "invalid literal");
    d->p += len;
}

static void decode_array(decoder *d) {
    lua_State *L = d->L;
    lua_createtable(L, 0, 0);
    lua_pushvalue(L, d->array_mt);
    lua_setmetatable(L, -2);
    skip_ws(d);
    if (d->p < d->end && *d->p == ']') { d->p++; return; }
    lua_Integer i = 1;
    for (;;) {
        decode_value(d);
        lua_rawseti(L, -2, i++);
        skip_ws(d);
        if (d->p >= d->end) fail(d, "unterminated array");
        unsigned char c = *d->p++;
        if (c == ']') return;
        if (c != ',') { d->p--; fail(d, "expected ',' or ']'"); }
    }
}

static void decode_object(decoder *d) {
    lua_State *L = d->L;
    lua_createtable(L, 0, 0);
    skip_ws(d);
    if (d->p < d->end && *d->p == '}') { d->p++; return; }
    for (;;) {
        skip_ws(d);
        if (d->p >= d->end || *d->p != '"') fail(d, "expected a string key");
        d->p++;
        decode_string(d);
        skip_ws(d);
        if (d->p >= d->end || *d->p != ':') fail(d, "expected ':'");
        d->p++;
        decode_value(d);
        lua_rawset(L, -3);
        skip_ws(d);
        if (d->p >= d->end) fail(d, "unterminated object");
        unsigned char c = *d->p++;
        if (c == '}') return;
        if (c != ',') { d->p--; fail(d, "expected ',' or '}'"); }
    }
}

static void decode_value(decoder *d) {
    skip_ws(d);
    if (d->p >= d->end) fail(d, "unexpected end of input");
    switch (*d->p) {
    case '{':
    case '[':
        if (++d->depth > CLJSON_MAX_DEPTH) fail(d, "nesting deeper than 200");
        luaL_checkstack(d->L, 4, "json.decode: nesting too deep");
        if (*d->p++ == '{') decode_object(d); else decode_array(d);
        d->depth--;
        return;
    case '"':
        d->p++;
        decode_string(d);
        return;
    case 't': expect_literal(d, "true", 4); lua_pushboolean(d->L, 1); return;
    case 'f': expect_literal(d, "false", 5); lua_pushboolean(d->L, 0); return;
    case 'n': expect_literal(d, "null", 4); lua_pushlightuserdata(d->L, cljson_null()); return;
    default:
        if (*d->p == '-' || (*d->p >= '0' && *d->p <= '9')) { decode_number(d); return; }
        fail(d, "unexpected character");
    }
}

int cljson_decode(lua_State *L) {
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    if (len > CLJSON_MAX_INPUT) return luaL_error(L, "json.decode: input larger than 64 MiB");
    lua_settop(L, 1);
    decoder d;
    d.L = L;
    d.start = d.p = (const unsigned char *)text;
    d.end = d.start + len;
    d.depth = 0;
    luaL_getmetatable(L, CLJSON_ARRAY_MT);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        cljson_prepare(L);
        luaL_getmetatable(L, CLJSON_ARRAY_MT);
    }
    d.array_mt = lua_gettop(L);
    cljson_buf_push(L, &d.scratch);
    decode_value(&d);
    skip_ws(&d);
    if (d.p != d.end) fail(&d, "trailing characters after the value");
    return 1;
}
