#ifndef COCLICK_CLUASUPPORT_H
#define COCLICK_CLUASUPPORT_H
// The C half of the Lua bridge: the call trampoline, the allocator, the message handler, the
// interrupt hook and the protected wrappers (the JSON codec is its own target, CLuaJSON). Only C
// code here may raise a Lua error (longjmp); Swift frames never see one.
// Only Lua's state type is needed here; the sources include Lua's headers themselves, so that
// this module does not claim them (Swift sees them through CLua).
typedef struct lua_State lua_State;
#include <signal.h>
#include <stddef.h>

// ---------------------------------------------------------------------------------------------
// Runtime: one per lua_State, reachable from every thread of it through the extra space.
//
// Memory rule. `limit` (0: none) caps the bytes the allocator hands out. While `swift_depth` is
// above zero a Swift frame is running and any Lua API call it makes must not raise, so the
// allocator never fails then: it allocates over the cap and sets `over_limit_in_swift`, and the
// trampoline raises "not enough memory" once the Swift frame has returned. While Lua itself runs
// (`swift_depth == 0`: inside clua_pcall, outside any binding) an allocation over the cap returns
// NULL and Lua raises its own memory error, caught by the nearest pcall. A real malloc failure
// while Swift runs cannot be reported without a longjmp through Swift: the process aborts.
// The host (Swift code outside any pcall) counts as a Swift frame: depth starts at 1.
typedef struct clua_runtime {
    size_t used;                 // bytes currently allocated by this state
    size_t peak;                 // high-water mark of `used`
    size_t limit;                // cap in bytes, 0 for none
    int swift_depth;             // > 0 while Swift code may be calling the Lua API
    int over_limit_in_swift;     // an allocation went over the cap while Swift ran
    volatile sig_atomic_t interrupt_requested;  // set by clua_request_interrupt (signal-safe)
    volatile sig_atomic_t interrupt_fired;      // the hook raised "interrupted!"
    int error_arg;               // argument number for CLUA_STATUS_ARGERROR
    void *host;                  // the Swift LuaState (unretained)
} clua_runtime;

// Creates a state with the capped allocator and a panic handler; NULL if out of memory.
lua_State *clua_newstate(size_t limit);
// Closes the state and frees its runtime.
void clua_close(lua_State *L);
// The runtime pointer fills the state's extra space, which lua.h places just before L
// (lua_getextraspace; runtime.c asserts the layout at compile time).
static inline clua_runtime *clua_runtime_of(lua_State *L) {
    return *(clua_runtime **)(void *)((char *)L - sizeof(void *));
}
void clua_set_limit(lua_State *L, size_t limit);
// Bytes malloc has handed out and not had back (glibc mallinfo2), for leak checks.
size_t clua_malloc_in_use(void);

// lua_pcall as seen from Swift: Lua runs with `swift_depth == 0` (allocations may fail) and the
// depth is restored afterwards. Every pcall made from Swift goes through here.
int clua_pcall(lua_State *L, int nargs, int nresults, int msgh);
// Opens the standard libraries under clua_pcall; LUA_OK or an error status (message on top).
int clua_openlibs(lua_State *L);

// ---------------------------------------------------------------------------------------------
// Trampoline. A binding is a function of C's calling convention and an opaque context passed to
// it: the Swift dispatcher with a retained closure box, or a `@convention(c)` Swift function with
// no context (one call fewer). It returns:
//   n >= 0                   n results are on top of the stack;
//   CLUA_STATUS_ERROR        raise the value on top as it is (a table stays a table);
//   CLUA_STATUS_ERROR_WHERE  the string on top is a message: prefix the caller's position;
//   CLUA_STATUS_ARGERROR     luaL_argerror(runtime->error_arg, string on top).
// (A type error is an argument error whose message the Swift side words as luaL_typeerror.)
// The raise happens in C after the Swift frame has returned.
enum {
    CLUA_STATUS_ERROR = -1,
    CLUA_STATUS_ERROR_WHERE = -2,
    CLUA_STATUS_ARGERROR = -3,
};
typedef int (*clua_binding_fn)(lua_State *L, void *context);
typedef void (*clua_release_fn)(void *context);
// Set once, before any binding is pushed: gives back a binding's context (when not NULL).
void clua_set_release(clua_release_fn release);
// Pushes a C closure calling `fn` with `context`: a run-time binding (`name` NULL), or a permanent
// one when the slot pool is full (`name` as for clua_slot_set_name). Takes ownership of one
// retain of `context` (released by the __gc of the closure's box).
void clua_pushbinding(lua_State *L, clua_binding_fn fn, void *context, const char *name);
// Permanent bindings: a pool of light C functions, one per slot (see trampoline.c). Acquire
// takes the binding and one retain of `context` (returns -1 when the pool is full: use
// clua_pushbinding); release, once the state using the slot is closed, gives it back.
#define CLUA_BINDING_SLOTS 256
int clua_slot_acquire(clua_binding_fn fn, void *context);
void clua_slot_push(lua_State *L, int slot);
// Names the slot's binding ("coclick.meetings.get") for argument errors Lua cannot name itself.
void clua_slot_set_name(int slot, const char *name);
void clua_slot_release(int slot);
// A lua_CFunction that does nothing: the reference the benchmark compares bindings with.
int clua_noop(lua_State *L);

// ---------------------------------------------------------------------------------------------
// Message handler, as lua.c's: a string error gets a traceback appended. Any other value is left
// as it is (API error tables keep their fields); its traceback is stored in the registry under
// CLUA_TRACEBACK_KEY for the host to show. Push it with lua_pushcfunction before the chunk.
int clua_msghandler(lua_State *L);
#define CLUA_TRACEBACK_KEY "coclick.traceback"
// Pushes a new error table's metatable: __name "coclick.error", __tostring returning the
// metatable's `description` field (set by the caller). Never raises from Swift's view: it only
// allocates (see the memory rule).
void clua_push_error_metatable(lua_State *L, const char *description, size_t len);

// ---------------------------------------------------------------------------------------------
// Interrupts, as lua.c's lstop/laction. Safe in a signal handler: sets the flag and a hook that
// raises "interrupted!" at the next call, return, line or instruction count.
void clua_request_interrupt(lua_State *L);
// Returns the interrupt flag and clears it (and the hook), for a binding that honoured it.
int clua_take_interrupt(lua_State *L);
// Returns and clears "the hook raised interrupted!" (for the host's exit status 130).
int clua_take_interrupt_fired(lua_State *L);
// clua_request_interrupt with the signature of a signal owner's handler (CSignals'
// csig_handler_fn, `L` as the context): what a Lua state subscribes to SIGINT with.
void clua_interrupt_on_signal(int signo, void *L);

// ---------------------------------------------------------------------------------------------
// Standard output (stdout_guard.c). A failed write to C's stdout (a full disk; a closed pipe, with
// SIGPIPE ignored) raises "cannot write standard output: <reason>" from print, io.write, io.flush
// and a file's write/flush methods once clua_guard_stdout wrapped them; os.exit then exits 74.
#define CLUA_STDOUT_FAILURE "cannot write standard output"
// Wraps the functions above in L's standard libraries, under clua_pcall: LUA_OK or an error status.
int clua_guard_stdout(lua_State *L);
// errno of the first failed write to stdout (0: none so far), after flushing it when `flush`.
int clua_stdout_failure(int flush);
// The same errno, read without touching C stdio (which may be locked by a blocked write): for
// another thread (the run guard).
int clua_stdout_failed(void);
// Writes "coclick: cannot write standard output: <reason>" on stderr, once, if stdout failed.
void clua_stdout_report(void);
// The failure was already shown (in an uncaught error's message): clua_stdout_report stays quiet.
void clua_stdout_set_reported(void);

// ---------------------------------------------------------------------------------------------
// Protected wrappers: each may run metamethods, hence may raise, so each runs under clua_pcall.
// All return LUA_OK with the result pushed, or an error status with the error value pushed.
int clua_safe_gettable(lua_State *L, int idx);                  // key on top -> value
int clua_safe_getfield(lua_State *L, int idx, const char *k);   // -> value
int clua_safe_settable(lua_State *L, int idx);                  // key, value on top -> nothing
int clua_safe_setfield(lua_State *L, int idx, const char *k);   // value on top -> nothing
int clua_safe_tostring(lua_State *L, int idx);                  // -> string (luaL_tolstring)
int clua_safe_len(lua_State *L, int idx);                       // -> #value (with __len)
// Loaders under clua_pcall. On success the chunk is pushed; else the message (status returned:
// LUA_ERRSYNTAX, LUA_ERRFILE, LUA_ERRMEM, ...). A NULL path reads standard input ("=stdin").
// A first line starting with '#' is skipped, as luaL_loadfile does.
int clua_safe_loadfile(lua_State *L, const char *path);
int clua_safe_loadbuffer(lua_State *L, const char *s, size_t len, const char *name);
// A chunk as lua_dump wrote it (binary only), as clua_safe_loadbuffer.
int clua_safe_loadbinary(lua_State *L, const char *s, size_t len, const char *name);
// The function on top, as lua_dump writes it (debug information kept): a malloc'd buffer the
// caller frees, and its length in *len; NULL when memory ran out. Raises nothing.
char *clua_dump(lua_State *L, size_t *len);
// lua_ident of the liblua this process runs ("$LuaVersion: Lua 5.4.4 ..."): names its release,
// which the bytecode format may change with.
const char *clua_ident(void);

#endif
