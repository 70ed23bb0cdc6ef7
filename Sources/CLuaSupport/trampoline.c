// The call trampoline: the C side of every Swift binding. The Swift dispatcher returns a status
// and this code raises, if it must, after the Swift frame is gone.
//
// A binding is a pair: a function of C's calling convention that returns a status, and an opaque
// context handed to it (a retained Swift object, or NULL). Swift bindings written as closures use
// the Swift dispatcher as the function and their closure box as the context; bindings written as
// `@convention(c)` Swift functions are called straight, one call fewer.
//
// Two ways to reach a binding. Permanent bindings (LuaState.register) take one of a fixed pool of
// light C functions (no closure, no upvalue: a call costs about what a plain lua_CFunction
// costs), each reading its binding from a process-wide slot; the state frees its slots when it
// closes. Bindings made at run time (iterators, callbacks) are C closures whose upvalue is a
// userdata box, released by __gc.
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include "CLuaSupport.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static clua_release_fn swift_release;

void clua_set_release(clua_release_fn release) {
    swift_release = release;
}

// The qualified name a permanent binding was registered under ("coclick.meetings.get"), for
// argument errors Lua cannot name itself (a binding called through pcall, or a local alias).
static char *slot_name[CLUA_BINDING_SLOTS];

// luaL_argerror, but naming the binding by its registered name where Lua's own lookup finds
// none: luaL_argerror searches package.loaded one level deep only, so `pcall(coclick.meetings.get, 1)`
// would read "bad argument #1 to '?'".
static int binding_argerror(lua_State *L, int arg, const char *extramsg, const char *registered) {
    lua_Debug ar;
    if (registered == NULL || !lua_getstack(L, 0, &ar)) return luaL_argerror(L, arg, extramsg);
    lua_getinfo(L, "n", &ar);
    if (ar.name != NULL) return luaL_argerror(L, arg, extramsg);
    return luaL_error(L, "bad argument #%d to '%s' (%s)", arg, registered, extramsg);
}

// Raises what a binding asked for (or "not enough memory"), out of the hot path. `name` is the
// binding's registered name, NULL for one made at run time.
static __attribute__((noinline)) int finish_slow(lua_State *L, clua_runtime *rt, int status, const char *name) {
    if (rt->over_limit_in_swift) {
        rt->over_limit_in_swift = 0;
        if (rt->swift_depth == 0 && rt->limit != 0 && rt->used > rt->limit) {
            lua_settop(L, 0);  // drop what the binding built, then fail as Lua would
            lua_pushliteral(L, "not enough memory");  // interned already: no allocation
            return lua_error(L);
        }
    }
    if (status >= 0) return status;
    switch (status) {
    case CLUA_STATUS_ERROR_WHERE:
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
        return lua_error(L);
    case CLUA_STATUS_ARGERROR:
        return binding_argerror(L, rt->error_arg, lua_tostring(L, -1), name);
    default:
        return lua_error(L);
    }
}

// `slot` is the binding's slot, or -1 for a closure (whose name, if any, is its second upvalue).
static inline int run_binding(lua_State *L, clua_binding_fn fn, void *context, int slot) {
    clua_runtime *rt = clua_runtime_of(L);
    rt->swift_depth++;
    int status = fn(L, context);
    rt->swift_depth--;
    if (__builtin_expect(status < 0 || rt->over_limit_in_swift, 0)) {
        const char *name = slot >= 0 ? slot_name[slot] : lua_tostring(L, lua_upvalueindex(2));
        return finish_slow(L, rt, status, name);
    }
    return status;
}

// ---- Closures (bindings made at run time) ----

static const char BOX_MT[] = "coclick.binding";

typedef struct {
    clua_binding_fn fn;
    void *context;
} binding_box;

static int box_gc(lua_State *L) {
    binding_box *box = (binding_box *)lua_touserdata(L, 1);
    if (box != NULL && box->context != NULL) {
        void *context = box->context;
        box->context = NULL;
        clua_runtime *rt = clua_runtime_of(L);
        rt->swift_depth++;  // Swift runs the release (and maybe a deinit)
        swift_release(context);
        rt->swift_depth--;
    }
    return 0;
}

static int closure_trampoline(lua_State *L) {
    binding_box *box = (binding_box *)lua_touserdata(L, lua_upvalueindex(1));
    return run_binding(L, box->fn, box->context, -1);
}

void clua_pushbinding(lua_State *L, clua_binding_fn fn, void *context, const char *name) {
    binding_box *box = (binding_box *)lua_newuserdatauv(L, sizeof(binding_box), 0);
    box->fn = fn;
    box->context = context;
    if (luaL_newmetatable(L, BOX_MT)) {
        lua_pushcfunction(L, box_gc);
        lua_setfield(L, -2, "__gc");
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, "__metatable");
    }
    lua_setmetatable(L, -2);
    if (name == NULL) {
        lua_pushcclosure(L, closure_trampoline, 1);
    } else {
        lua_pushstring(L, name);
        lua_pushcclosure(L, closure_trampoline, 2);
    }
}

// ---- Slots (permanent bindings) ----

static clua_binding_fn slot_fn[CLUA_BINDING_SLOTS];  // NULL: the slot is free
static void *slot_context[CLUA_BINDING_SLOTS];
static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;
static int slot_next_free = 0;  // slots below are taken; freed ones are found by scanning

#define SLOT_FN(a, b, c, d) \
    static int slot_##a##b##c##d(lua_State *L) { \
        enum { slot = a * 64 + b * 16 + c * 4 + d }; \
        return run_binding(L, slot_fn[slot], slot_context[slot], slot); \
    }
#define SLOT_FN4(a, b, c) SLOT_FN(a, b, c, 0) SLOT_FN(a, b, c, 1) SLOT_FN(a, b, c, 2) SLOT_FN(a, b, c, 3)
#define SLOT_FN16(a, b) SLOT_FN4(a, b, 0) SLOT_FN4(a, b, 1) SLOT_FN4(a, b, 2) SLOT_FN4(a, b, 3)
#define SLOT_FN64(a) SLOT_FN16(a, 0) SLOT_FN16(a, 1) SLOT_FN16(a, 2) SLOT_FN16(a, 3)
SLOT_FN64(0) SLOT_FN64(1) SLOT_FN64(2) SLOT_FN64(3)

#define SLOT_NAME(a, b, c, d) slot_##a##b##c##d,
#define SLOT_NAME4(a, b, c) SLOT_NAME(a, b, c, 0) SLOT_NAME(a, b, c, 1) SLOT_NAME(a, b, c, 2) SLOT_NAME(a, b, c, 3)
#define SLOT_NAME16(a, b) SLOT_NAME4(a, b, 0) SLOT_NAME4(a, b, 1) SLOT_NAME4(a, b, 2) SLOT_NAME4(a, b, 3)
#define SLOT_NAME64(a) SLOT_NAME16(a, 0) SLOT_NAME16(a, 1) SLOT_NAME16(a, 2) SLOT_NAME16(a, 3)
static const lua_CFunction slot_functions[CLUA_BINDING_SLOTS] = {
    SLOT_NAME64(0) SLOT_NAME64(1) SLOT_NAME64(2) SLOT_NAME64(3)
};

int clua_slot_acquire(clua_binding_fn fn, void *context) {
    int found = -1;
    pthread_mutex_lock(&slot_lock);
    for (int i = slot_next_free; i < CLUA_BINDING_SLOTS; i++) {
        if (slot_fn[i] == NULL) {
            slot_fn[i] = fn;
            slot_context[i] = context;
            found = i;
            slot_next_free = i + 1;
            break;
        }
    }
    pthread_mutex_unlock(&slot_lock);
    return found;
}

void clua_slot_set_name(int slot, const char *name) {
    if (slot < 0 || slot >= CLUA_BINDING_SLOTS) return;
    pthread_mutex_lock(&slot_lock);
    free(slot_name[slot]);
    slot_name[slot] = name != NULL ? strdup(name) : NULL;
    pthread_mutex_unlock(&slot_lock);
}

void clua_slot_push(lua_State *L, int slot) {
    lua_pushcfunction(L, slot_functions[slot]);
}

void clua_slot_release(int slot) {
    if (slot < 0 || slot >= CLUA_BINDING_SLOTS) return;
    pthread_mutex_lock(&slot_lock);
    void *context = slot_context[slot];
    slot_fn[slot] = NULL;
    slot_context[slot] = NULL;
    free(slot_name[slot]);
    slot_name[slot] = NULL;
    if (slot < slot_next_free) slot_next_free = slot;
    pthread_mutex_unlock(&slot_lock);
    if (context != NULL) swift_release(context);
}

int clua_noop(lua_State *L) {
    (void)L;
    return 0;
}
