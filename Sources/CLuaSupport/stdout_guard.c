// Standard output that cannot be written is an error, never silent loss. Lua's print ignores
// write errors and io.write only returns them (and a buffered write fails only at a later flush),
// while SIGPIPE is ignored (NIO ignores it too): unguarded, a script printing to a closed pipe or
// a full disk would run to its end, or loop forever, and exit 0. So print, io.write, io.flush,
// os.exit and a file's write and flush methods are wrapped: when the stream they wrote to is C's
// stdout and it failed, they raise "cannot write standard output: <reason>" (os.exit exits 74),
// and every later write to stdout raises at once without writing. The host checks the same
// state once more at its end (clua_stdout_failure), which catches what the final flush loses.
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include "CLuaSupport.h"
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

// errno of the first failed write to stdout, 0 while none. Set on the thread that writes
// standard output (the Lua thread); atomic because the run guard's watcher reads it.
static _Atomic int stdout_errno;
static int stdout_reported;

int clua_stdout_failed(void) { return stdout_errno; }

int clua_stdout_failure(int flush) {
    int saved = errno;
    if (stdout_errno == 0) {
        if (flush) {
            // A signal (Ctrl-C at the REPL) may interrupt a write: that is no lost output.
            int tries = 0, failed;
            do {
                errno = 0;
                failed = fflush(stdout) != 0;
                if (failed && errno == EINTR) clearerr(stdout);
            } while (failed && errno == EINTR && ++tries < 8);
            if (failed) stdout_errno = errno != 0 ? errno : EIO;
        }
        // The error flag is sticky; errno still holds the failed write's reason right after it.
        if (stdout_errno == 0 && ferror(stdout)) stdout_errno = saved != 0 ? saved : EIO;
    }
    errno = saved;
    return stdout_errno;
}

void clua_stdout_report(void) {
    if (stdout_errno == 0 || stdout_reported) return;
    stdout_reported = 1;
    fprintf(stderr, "coclick: " CLUA_STDOUT_FAILURE ": %s\n", strerror(stdout_errno));
    fflush(stderr);
}

void clua_stdout_set_reported(void) { stdout_reported = 1; }

enum { TARGET_STDOUT, TARGET_DEFAULT_OUTPUT, TARGET_FIRST_ARGUMENT };

// The C stream a wrapped function is about to write to (NULL: not a file, or closed).
static FILE *target_stream(lua_State *L, int target) {
    if (target == TARGET_STDOUT) return stdout;
    luaL_Stream *stream = NULL;
    if (target == TARGET_DEFAULT_OUTPUT) {
        lua_pushvalue(L, lua_upvalueindex(3));  // the original io.output: the default output file
        lua_call(L, 0, 1);
        stream = (luaL_Stream *)luaL_testudata(L, -1, LUA_FILEHANDLE);
        lua_pop(L, 1);  // io's registry entry keeps the file alive
    } else {
        stream = (luaL_Stream *)luaL_testudata(L, 1, LUA_FILEHANDLE);
    }
    return stream != NULL && stream->closef != NULL ? stream->f : NULL;
}

static int raise_failure(lua_State *L) {
    return luaL_error(L, CLUA_STDOUT_FAILURE ": %s", strerror(stdout_errno));
}

// upvalues: 1 the original function, 2 its target (TARGET_*), 3 the original io.output.
static int guarded(lua_State *L) {
    int on_stdout = target_stream(L, (int)lua_tointeger(L, lua_upvalueindex(2))) == stdout;
    if (on_stdout && clua_stdout_failure(0) != 0) return raise_failure(L);
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    errno = 0;
    lua_call(L, n, LUA_MULTRET);
    if (on_stdout && clua_stdout_failure(0) != 0) return raise_failure(L);
    return lua_gettop(L);
}

// os.exit: C's exit flushes stdout but cannot report a failure, so flush first; lost output
// turns the run's status into 74 whatever the script asked.
static int guarded_exit(lua_State *L) {
    if (clua_stdout_failure(1) != 0) {
        clua_stdout_report();
        lua_pushinteger(L, 74);
        if (lua_gettop(L) > 1) lua_replace(L, 1); else lua_insert(L, 1);
    }
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}

// Replaces table[name] (the table on top of the stack) by its guarded version.
static void wrap(lua_State *L, const char *name, int target, lua_CFunction guard) {
    if (lua_getfield(L, -1, name) != LUA_TFUNCTION) {
        lua_pop(L, 1);
        return;
    }
    lua_pushinteger(L, target);
    lua_getglobal(L, "io");
    if (lua_type(L, -1) == LUA_TTABLE) lua_getfield(L, -1, "output"); else lua_pushnil(L);
    lua_remove(L, -2);
    lua_pushcclosure(L, guard, 3);
    lua_setfield(L, -2, name);
}

static int install(lua_State *L) {
    lua_pushglobaltable(L);
    wrap(L, "print", TARGET_STDOUT, guarded);
    lua_pop(L, 1);
    if (lua_getglobal(L, "io") == LUA_TTABLE) {
        wrap(L, "write", TARGET_DEFAULT_OUTPUT, guarded);
        wrap(L, "flush", TARGET_DEFAULT_OUTPUT, guarded);
    }
    lua_pop(L, 1);
    if (lua_getglobal(L, "os") == LUA_TTABLE) wrap(L, "exit", TARGET_STDOUT, guarded_exit);
    lua_pop(L, 1);
    // The methods every file shares (io.stdout:write): the metatable's __index table.
    if (luaL_getmetatable(L, LUA_FILEHANDLE) == LUA_TTABLE) {
        if (lua_getfield(L, -1, "__index") == LUA_TTABLE) {
            wrap(L, "write", TARGET_FIRST_ARGUMENT, guarded);
            wrap(L, "flush", TARGET_FIRST_ARGUMENT, guarded);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return 0;
}

int clua_guard_stdout(lua_State *L) {
    lua_pushcfunction(L, install);
    return clua_pcall(L, 0, 0, 0);
}
