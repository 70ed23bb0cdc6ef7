// Small blocks for one Lua state, in size classes of 16 bytes up to CLUA_POOL_MAX. Lua tells its
// allocator the size of every block it frees, so a freed block goes straight onto its class's
// list, without a header. Listing meetings makes and drops a table, its hash part and a few
// strings per meeting: glibc's malloc took about 900 instructions a meeting for them (its
// per-thread caches hold 7 blocks a size, and a GC sweep frees thousands at once).
// Used by one thread (the state's); nothing is returned to the system before clua_pool_release.
#ifndef CLUA_POOL_H
#define CLUA_POOL_H
#include <stddef.h>

#define CLUA_POOL_GRAIN 16
#define CLUA_POOL_MAX 512
#define CLUA_POOL_CLASSES (CLUA_POOL_MAX / CLUA_POOL_GRAIN)

typedef struct clua_pool {
    void *free_blocks[CLUA_POOL_CLASSES];  // each free block's first word links the next
    char *bump;                            // the unused rest of the newest chunk
    char *bump_end;
    void *chunks;                          // every chunk, linked through its first word
} clua_pool;

// The class of a block of `size` bytes (1 ... CLUA_POOL_MAX).
static inline size_t clua_pool_class(size_t size) { return (size - 1) / CLUA_POOL_GRAIN; }

// A block of at least `size` bytes (1 ... CLUA_POOL_MAX), 16-aligned; NULL if malloc fails.
// The common case, a freed block of the class, is inline; the rest is clua_pool_carve's.
void *clua_pool_carve(clua_pool *pool, size_t size);
static inline void *clua_pool_alloc(clua_pool *pool, size_t size) {
    size_t c = clua_pool_class(size);
    void *block = pool->free_blocks[c];
    if (block == NULL) return clua_pool_carve(pool, size);
    pool->free_blocks[c] = *(void **)block;
    return block;
}
// Gives back a block of `size` bytes that clua_pool_alloc returned for the same class.
static inline void clua_pool_free(clua_pool *pool, void *block, size_t size) {
    size_t c = clua_pool_class(size);
    *(void **)block = pool->free_blocks[c];
    pool->free_blocks[c] = block;
}
// Frees every chunk: every block is gone.
void clua_pool_release(clua_pool *pool);
#endif
