// The per-state runtime: capped allocator, panic handler, pcall wrapper. See CLuaSupport.h for
// the memory rule.
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include "CLuaSupport.h"
#include "pool.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(LUA_EXTRASPACE == sizeof(void *), "clua_runtime_of reads one pointer of extra space");

typedef struct {
    clua_runtime rt;  // first: the allocator's `ud` and the extra space point at both
    int warnings_on;
    clua_pool pool;
} clua_block;

// Under AddressSanitizer every block is malloc's, so that a use after free stays visible.
#if defined(__SANITIZE_ADDRESS__)
#define USE_POOL 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define USE_POOL 0
#endif
#endif
#ifndef USE_POOL
#define USE_POOL 1
#endif
#if !USE_POOL
#undef CLUA_POOL_MAX
#define CLUA_POOL_MAX 0
#endif

// A new block of `size` bytes (> 0): small ones from the pool.
static void *obtain(clua_block *block, size_t size) {
    return size <= CLUA_POOL_MAX ? clua_pool_alloc(&block->pool, size) : malloc(size);
}

static void release(clua_block *block, void *ptr, size_t size) {
    if (ptr == NULL) return;
    if (size <= CLUA_POOL_MAX) clua_pool_free(&block->pool, ptr, size);
    else free(ptr);
}

// Moves a block of `old` bytes to one of `size` bytes (both > 0), in place when it can.
static void *resize(clua_block *block, void *ptr, size_t old, size_t size) {
    if (old > CLUA_POOL_MAX && size > CLUA_POOL_MAX) return realloc(ptr, size);
    if (old <= CLUA_POOL_MAX && size <= CLUA_POOL_MAX && clua_pool_class(old) == clua_pool_class(size)) return ptr;
    void *p = obtain(block, size);
    if (p == NULL) return NULL;
    memcpy(p, ptr, old < size ? old : size);
    release(block, ptr, old);
    return p;
}

static void *clua_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    clua_block *block = (clua_block *)ud;
    clua_runtime *rt = &block->rt;
    size_t old = ptr ? osize : 0;  // without ptr, osize is a type tag, not a size
    if (nsize == 0) {
        release(block, ptr, old);
        rt->used -= old;
        return NULL;
    }
    if (rt->limit != 0 && nsize > old && rt->used - old + nsize > rt->limit) {
        if (rt->swift_depth == 0) return NULL;  // Lua runs: it raises "not enough memory"
        rt->over_limit_in_swift = 1;             // Swift runs: raise later, in the trampoline
    }
    void *p = ptr ? resize(block, ptr, old, nsize) : obtain(block, nsize);
    if (p == NULL) {
        if (rt->swift_depth == 0) return NULL;
        // Returning NULL now would longjmp through a Swift frame.
        fputs("coclick: out of memory while a Swift binding was running\n", stderr);
        abort();
    }
    rt->used = rt->used - old + nsize;
    if (rt->used > rt->peak) rt->peak = rt->used;
    return p;
}

static int clua_panic(lua_State *L) {
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "coclick: unprotected Lua error: %s\n", msg ? msg : "(error object is not a string)");
    fflush(stderr);
    abort();
}

static void clua_warn(void *ud, const char *msg, int tocont) {
    // Lua 5.4 reports errors in __gc this way; off unless "@on", as in lua.c.
    int *on = (int *)ud;
    static int continuing = 0;
    if (!continuing && !tocont && msg[0] == '@') {
        if (msg[1] == 'o' && msg[2] == 'n') *on = 1;
        else if (msg[1] == 'o' && msg[2] == 'f') *on = 0;
        return;
    }
    if (*on) {
        if (!continuing) fputs("Lua warning: ", stderr);
        fputs(msg, stderr);
        if (!tocont) fputs("\n", stderr);
    }
    continuing = tocont;
}

lua_State *clua_newstate(size_t limit) {
    clua_block *block = calloc(1, sizeof(clua_block));
    if (block == NULL) return NULL;
    block->rt.limit = limit;
    block->rt.swift_depth = 1;  // the host is Swift
    lua_State *L = lua_newstate(clua_alloc, &block->rt);
    if (L == NULL) {
        free(block);
        return NULL;
    }
    *(clua_runtime **)lua_getextraspace(L) = &block->rt;
    if (clua_runtime_of(L) != &block->rt) abort();  // lua_getextraspace as clua_runtime_of reads it
    lua_atpanic(L, clua_panic);
    // Generational collection, as lua.c runs its states: a listing makes and drops a table and
    // its strings per meeting, which young collections reclaim without traversing the prelude
    // and the libraries each cycle (3 % of a 100,000-meeting listing's instructions).
    lua_gc(L, LUA_GCGEN, 0, 0);
    lua_setwarnf(L, clua_warn, &block->warnings_on);
    return L;
}

void clua_close(lua_State *L) {
    clua_runtime *rt = clua_runtime_of(L);
    rt->swift_depth = 1;
    lua_close(L);
    clua_block *block = (clua_block *)rt;  // first member of its block
    clua_pool_release(&block->pool);
    free(block);
}

void clua_set_limit(lua_State *L, size_t limit) { clua_runtime_of(L)->limit = limit; }

int clua_pcall(lua_State *L, int nargs, int nresults, int msgh) {
    clua_runtime *rt = clua_runtime_of(L);
    int saved = rt->swift_depth;
    rt->swift_depth = 0;
    int status = lua_pcall(L, nargs, nresults, msgh);
    rt->swift_depth = saved;
    return status;
}

static int openlibs(lua_State *L) {
    luaL_openlibs(L);
    return 0;
}

int clua_openlibs(lua_State *L) {
    lua_pushcfunction(L, openlibs);
    return clua_pcall(L, 0, 0, 0);
}

#include <malloc.h>
// AddressSanitizer's own count when running under it (its malloc replaces glibc's).
extern size_t __sanitizer_get_current_allocated_bytes(void) __attribute__((weak));
size_t clua_malloc_in_use(void) {
    if (__sanitizer_get_current_allocated_bytes) return __sanitizer_get_current_allocated_bytes();
    struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}
