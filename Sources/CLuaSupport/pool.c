// The small-block pool of a Lua state: see pool.h.
#include "pool.h"
#include <stdlib.h>

// 64 KiB chunks: a listing's working set takes a few dozen; the first word links them.
#define CHUNK_SIZE (64 * 1024)
#define CHUNK_HEADER 16  // keeps blocks 16-aligned, as malloc's are

// A new block from the newest chunk (a new chunk when it is used up): no freed block was left.
void *clua_pool_carve(clua_pool *pool, size_t size) {
    size_t c = clua_pool_class(size);
    size_t rounded = (c + 1) * CLUA_POOL_GRAIN;
    if ((size_t)(pool->bump_end - pool->bump) < rounded) {
        // The rest of the old chunk goes to the classes that fit it, largest first.
        while (pool->bump_end - pool->bump >= CLUA_POOL_GRAIN) {
            size_t left = (size_t)(pool->bump_end - pool->bump);
            size_t piece = left < CLUA_POOL_MAX ? left / CLUA_POOL_GRAIN * CLUA_POOL_GRAIN : CLUA_POOL_MAX;
            clua_pool_free(pool, pool->bump, piece);
            pool->bump += piece;
        }
        char *chunk = malloc(CHUNK_SIZE);
        if (chunk == NULL) return NULL;
        *(void **)chunk = pool->chunks;
        pool->chunks = chunk;
        pool->bump = chunk + CHUNK_HEADER;
        pool->bump_end = chunk + CHUNK_SIZE;
    }
    void *block = pool->bump;
    pool->bump += rounded;
    return block;
}

void clua_pool_release(clua_pool *pool) {
    void *chunk = pool->chunks;
    while (chunk != NULL) {
        void *next = *(void **)chunk;
        free(chunk);
        chunk = next;
    }
    *pool = (clua_pool){0};
}
