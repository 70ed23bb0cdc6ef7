// Shared by the JSON decoder and encoder: a growable byte buffer kept in a userdata (so that a
// raised error cannot leak it) and allocated through the state's allocator (so that it counts
// against the memory cap).
#ifndef COCLICK_JSON_INTERNAL_H
#define COCLICK_JSON_INTERNAL_H
#include "CLuaSupport.h"
#include <string.h>

typedef struct {
    char *b;
    size_t n, cap;
    lua_State *L;
} clua_strbuf;

// Pushes a new, empty buffer userdata and returns it.
clua_strbuf *clua_strbuf_push(lua_State *L);
// Makes room for `extra` more bytes, raising "not enough memory" if the allocator refuses.
void clua_strbuf_grow(clua_strbuf *sb, size_t extra);

static inline void clua_strbuf_add(clua_strbuf *sb, const char *s, size_t len) {
    if (sb->cap - sb->n < len) clua_strbuf_grow(sb, len);
    memcpy(sb->b + sb->n, s, len);
    sb->n += len;
}

static inline void clua_strbuf_addc(clua_strbuf *sb, char c) {
    if (sb->cap == sb->n) clua_strbuf_grow(sb, 1);
    sb->b[sb->n++] = c;
}
#endif
