// Shared by the JSON decoder and encoder: a growable byte buffer kept in a userdata (so that a
// raised error cannot leak it) and allocated through the state's allocator (so that it counts
// against the memory cap).
#ifndef CLJSON_INTERNAL_H
#define CLJSON_INTERNAL_H
#include "CLuaJSON.h"
#include <string.h>

typedef struct {
    char *b;
    size_t n, cap;
    lua_State *L;
} cljson_buf;

// Pushes a new, empty buffer userdata and returns it.
cljson_buf *cljson_buf_push(lua_State *L);
// Makes room for `extra` more bytes, raising "not enough memory" if the allocator refuses.
void cljson_buf_grow(cljson_buf *sb, size_t extra);

static inline void cljson_buf_add(cljson_buf *sb, const char *s, size_t len) {
    if (sb->cap - sb->n < len) cljson_buf_grow(sb, len);
    memcpy(sb->b + sb->n, s, len);
    sb->n += len;
}

static inline void cljson_buf_addc(cljson_buf *sb, char c) {
    if (sb->cap == sb->n) cljson_buf_grow(sb, 1);
    sb->b[sb->n++] = c;
}
#endif
