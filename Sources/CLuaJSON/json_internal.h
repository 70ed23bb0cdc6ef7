// Shared by the JSON decoder and encoder.
#ifndef CLJSON_INTERNAL_H
#define CLJSON_INTERNAL_H
#include <lua.h>
#include <lauxlib.h>
#include "CLuaJSON.h"
#include <string.h>

// A growable byte buffer whose bytes are a plain userdata (no metatable) held in a stack slot:
// growing pushes a bigger userdata into that slot and leaves the old one to the collector. No
// finalizer is involved, so nothing leaks when one could not run (a finalizer is a call, and a
// call may fail under the memory cap), and a raised error loses nothing. Allocated through the
// state's allocator, so it counts against the memory cap.
typedef struct {
    char *b;
    size_t n, cap;
    lua_State *L;
    int slot;
} cljson_buf;

// Pushes the buffer's (empty) slot onto the stack and initialises `sb` for it.
void cljson_buf_push(lua_State *L, cljson_buf *sb);
// Makes room for `extra` more bytes, raising "not enough memory" if the allocator refuses.
void cljson_buf_grow(cljson_buf *sb, size_t extra);

static inline void cljson_buf_add(cljson_buf *sb, const char *s, size_t len) {
    if (len == 0) return;  // sb->b may still be NULL: memcpy(NULL, s, 0) is undefined
    if (sb->cap - sb->n < len) cljson_buf_grow(sb, len);
    memcpy(sb->b + sb->n, s, len);
    sb->n += len;
}

static inline void cljson_buf_addc(cljson_buf *sb, char c) {
    if (sb->cap == sb->n) cljson_buf_grow(sb, 1);
    sb->b[sb->n++] = c;
}

// Length of the valid UTF-8 sequence at s (at most n > 0 bytes), or 0: overlong forms,
// surrogates (U+D800-DFFF) and code points above U+10FFFF are invalid.
static inline size_t cljson_utf8_len(const unsigned char *s, size_t n) {
    unsigned char c = s[0];
    size_t len;
    unsigned cp;
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0;
    if (c < 0xE0) { len = 2; cp = c & 0x1F; }
    else if (c < 0xF0) { len = 3; cp = c & 0x0F; }
    else if (c < 0xF5) { len = 4; cp = c & 0x07; }
    else return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
    if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
    return len;
}
#endif
