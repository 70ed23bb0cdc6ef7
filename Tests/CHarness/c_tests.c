// Checks of the C targets (CLuaJSON, CLuaSupport) run by scripts/test-c under AddressSanitizer,
// UndefinedBehaviorSanitizer and LeakSanitizer: the memory risk of the Lua bridge is in C, so it
// is checked here, in a build of seconds, rather than by a second sanitized build of everything.
// Each check prints its name; the first failure aborts with a message.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lua.h>
#include <lauxlib.h>
#include "CLuaJSON.h"
#include "CLuaSupport.h"
#include "../../Sources/CLuaSupport/pool.h"
#include <stdint.h>

static int failures = 0;
#define CHECK(cond, ...) do { if (!(cond)) { fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
    fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); failures++; } } while (0)

static lua_State *new_state(size_t limit) {
    lua_State *L = clua_newstate(limit);
    if (L == NULL || clua_openlibs(L) != LUA_OK) { fputs("cannot create a Lua state\n", stderr); exit(2); }
    cljson_prepare(L);
    lua_newtable(L);
    lua_pushcfunction(L, cljson_decode); lua_setfield(L, -2, "decode");
    lua_pushcfunction(L, cljson_encode); lua_setfield(L, -2, "encode");
    lua_pushcfunction(L, cljson_array); lua_setfield(L, -2, "array");
    lua_pushlightuserdata(L, cljson_null()); lua_setfield(L, -2, "null");
    lua_setglobal(L, "json");
    return L;
}

// Runs `code` (a chunk returning one value); returns LUA_OK and leaves tostring(result) on top,
// or the error status with the message on top.
static int run(lua_State *L, const char *code) {
    int status = clua_safe_loadbuffer(L, code, strlen(code), "=check");
    if (status == LUA_OK) status = clua_pcall(L, 0, 1, 0);
    if (status == LUA_OK && clua_safe_tostring(L, -1) == LUA_OK) lua_remove(L, -2);
    return status;
}

static void expect_value(const char *code, const char *want) {
    lua_State *L = new_state(0);
    int status = run(L, code);
    const char *got = lua_tostring(L, -1);
    CHECK(status == LUA_OK && got != NULL && strcmp(got, want) == 0, "%s: want %s, got %s (status %d)",
          code, want, got ? got : "(not a string)", status);
    clua_close(L);
}

static void expect_error(const char *code, const char *want) {
    lua_State *L = new_state(0);
    int status = run(L, code);
    const char *got = lua_tostring(L, -1);
    CHECK(status != LUA_OK && got != NULL && strstr(got, want) != NULL, "%s: want an error with \"%s\", got %s",
          code, want, got ? got : "(not a string)");
    clua_close(L);
}

static void check_json(void) {
    puts("json: strings starting with an escape (memcpy from an empty buffer)");
    expect_value("return json.decode([[\"\\nx\"]])", "\nx");
    expect_value("return json.decode([[\"\\u00e9\"]])", "\xc3\xa9");
    expect_value("return json.encode(json.decode([[{\"\\\"k\":[\"\\\\\",\"\"]}]]))", "{\"\\\"k\":[\"\\\\\",\"\"]}");

    puts("json: invalid UTF-8 refused by decode, naming the byte");
    expect_error("return json.decode('\"ab\\xff\"')", "json.decode: invalid UTF-8 in a string at byte 4");
    expect_error("return json.decode('\"\\xc0\\xaf\"')", "invalid UTF-8 in a string at byte 2");          // overlong '/'
    expect_error("return json.decode('\"\\xe0\\x80\\xaf\"')", "invalid UTF-8 in a string at byte 2");     // overlong, 3 bytes
    expect_error("return json.decode('\"x\\xed\\xa0\\x80\"')", "invalid UTF-8 in a string at byte 3");    // a surrogate
    expect_error("return json.decode('\"\\xf4\\x90\\x80\\x80\"')", "invalid UTF-8 in a string at byte 2"); // above U+10FFFF
    expect_error("return json.decode('\"\\\\n\\xe2\\x82\"')", "invalid UTF-8 in a string at byte 4");    // truncated, after an escape
    expect_error("return json.decode('[\"\\\\ud800\"]')", "high surrogate not followed by a low surrogate at byte 3");
    expect_value("return json.decode('\"\\xf0\\x9f\\x98\\x80\\xe2\\x82\\xac\"')", "\xf0\x9f\x98\x80\xe2\x82\xac");

    puts("json: what decode accepts, encode gives back");
    expect_value("return json.encode(json.decode('[\"caf\\xc3\\xa9\",1,2.5,null,{}]'))", "[\"caf\xc3\xa9\",1,2.5,null,{}]");

    puts("json: numbers beyond a double's range refused, as encode refuses infinities");
    expect_error("return json.decode('[1, -2e400]')", "json.decode: number out of range at byte 5");
    expect_value("return json.encode(json.decode('[1e308, 1e-400]'))", "[1e+308,0.0]");

    puts("json: encode errors name the path, however long");
    expect_error("local t = {} local c = t for i = 1, 199 do c[string.rep('k', 40)] = {} c = c[string.rep('k', 40)] end "
                 "c.f = print return json.encode(t)", "json.encode: cannot encode a function value at $.kkkk");
    expect_error("return json.encode({a = {1, 2, {b = '\\xff'}}})", "json.encode: invalid UTF-8 in a string at $.a[3].b");

    puts("json: nesting and input bounds");
    expect_error("return json.decode(string.rep('[', 201) .. string.rep(']', 201))", "nesting deeper than 200");
    expect_value("return #json.encode(json.decode(string.rep('[', 200) .. string.rep(']', 200)))", "400");
}

// Under a cap, decode and encode fail with "not enough memory" somewhere in the middle: every
// byte they took must be back once the state is closed (LeakSanitizer checks again at exit).
static void check_memory_cap(void) {
    puts("json: no leak when the memory cap stops decode or encode midway");
    size_t before = clua_malloc_in_use();
    int refused = 0;
    for (size_t limit = 24 * 1024; limit <= 512 * 1024; limit += 8 * 1024) {
        lua_State *L = new_state(0);
        clua_set_limit(L, limit);
        int status = run(L,
            "local s = string.rep('\\\\n\\\\u00e9x', 4000) "
            "local text = '[' .. string.rep('\"' .. s .. '\"', 8, ',') .. ']' "
            "local v = json.decode(text) return #json.encode(v)");
        if (status != LUA_OK) {
            const char *msg = lua_tostring(L, -1);
            CHECK(msg != NULL && strstr(msg, "not enough memory") != NULL, "cap %zu: %s", limit, msg ? msg : "?");
            refused++;
        }
        clua_close(L);
    }
    CHECK(refused > 0, "the cap never stopped the codec: the check tests nothing");
    size_t after = clua_malloc_in_use();
    CHECK(after <= before, "%zu bytes still allocated after closing the states", after - before);
}

// The codec's scratch buffers once freed their bytes in a finalizer, and a finalizer is a call
// that may find no memory under the cap (then the bytes were lost). They are plain userdata now:
// after decode and encode, with an escape-bearing string, no value in the state has a finalizer.
static void check_no_finalizer(void) {
    puts("json: scratch buffers have no finalizer");
    lua_State *L = new_state(0);
    int status = run(L,
        "local function finalizers() "  // metatables with __gc reachable from the registry
        "  local seen, found = {}, {} "
        "  local function walk(v) "
        "    if type(v) ~= 'table' and type(v) ~= 'userdata' or seen[v] then return end "
        "    seen[v] = true local mt = getmetatable(v) "
        "    if type(v) == 'table' and rawget(v, '__gc') then found[v] = true end "
        "    if type(mt) == 'table' then walk(mt) end "
        "    if type(v) == 'table' then for k, x in next, v do walk(k) walk(x) end end "
        "  end "
        "  walk(debug.getregistry()) return found "
        "end "
        "local before = finalizers() "
        "local keep = {pcall(json.decode, '[\"\\\\n' .. string.rep('x', 600) .. '\", x]'), json.encode({'\\n'})} "
        "for mt in pairs(finalizers()) do if not before[mt] then return tostring(rawget(mt, '__name')) end end "
        "return 'nil'");
    const char *got = lua_tostring(L, -1);
    CHECK(status == LUA_OK && got != NULL && strcmp(got, "nil") == 0, "a value with a finalizer: %s", got ? got : "?");
    clua_close(L);
}

// ---- The trampoline, with C bindings standing in for Swift ones ----

static int released = 0;
static void count_release(void *context) { (void)context; released++; }

static int binding_add(lua_State *L, void *context) {
    (void)context;
    lua_pushinteger(L, lua_tointeger(L, 1) + lua_tointeger(L, 2));
    return 1;
}
static int binding_where(lua_State *L, void *context) {
    (void)context;
    lua_pushliteral(L, "refused");
    return CLUA_STATUS_ERROR_WHERE;
}
static int binding_argerror(lua_State *L, void *context) {
    (void)context;
    clua_runtime_of(L)->error_arg = 2;
    lua_pushliteral(L, "number expected");
    return CLUA_STATUS_ARGERROR;
}
static int binding_allocates(lua_State *L, void *context) {
    (void)context;  // over the cap while "Swift" runs: allowed now, raised after the return
    lua_createtable(L, 200000, 0);
    return 1;
}

static void check_trampoline(void) {
    puts("trampoline: results, raised statuses, contexts released once");
    static int token;
    clua_set_release(count_release);
    lua_State *L = new_state(0);
    clua_pushbinding(L, binding_add, &token, NULL); lua_setglobal(L, "add");
    clua_pushbinding(L, binding_where, &token, "where"); lua_setglobal(L, "where");
    int slot = clua_slot_acquire(binding_argerror, &token);
    CHECK(slot >= 0, "no free slot");
    clua_slot_set_name(slot, "mod.argerror");
    clua_slot_push(L, slot); lua_setglobal(L, "argerror");
    clua_pushbinding(L, binding_allocates, &token, NULL); lua_setglobal(L, "allocates");

    CHECK(run(L, "return add(40, 2)") == LUA_OK && strcmp(lua_tostring(L, -1), "42") == 0, "add: %s", lua_tostring(L, -1));
    lua_settop(L, 0);
    CHECK(run(L, "return where()") != LUA_OK && strcmp(lua_tostring(L, -1), "check:1: refused") == 0, "where: %s", lua_tostring(L, -1));
    lua_settop(L, 0);
    CHECK(run(L, "local ok, e = pcall(argerror, 1, 'x') return e") == LUA_OK &&
          strcmp(lua_tostring(L, -1), "bad argument #2 to 'mod.argerror' (number expected)") == 0, "argerror: %s", lua_tostring(L, -1));
    lua_settop(L, 0);
    clua_set_limit(L, clua_runtime_of(L)->used + 64 * 1024);
    CHECK(run(L, "return allocates()") != LUA_OK && strstr(lua_tostring(L, -1), "not enough memory") != NULL,
          "allocates: %s", lua_tostring(L, -1));
    lua_settop(L, 0);
    clua_set_limit(L, 0);
    clua_close(L);
    clua_slot_release(slot);
    CHECK(released == 4, "released %d contexts of 4", released);
}

static void check_protected(void) {
    puts("protected wrappers: a raising metamethod is a status, not a longjmp");
    lua_State *L = new_state(0);
    luaL_loadstring(L, "return setmetatable({}, {__index = function() error('boom', 0) end, __len = function() error('len', 0) end})");
    lua_call(L, 0, 1);  // cannot raise: the host is outside any binding and the chunk is fine
    CHECK(clua_safe_getfield(L, 1, "x") != LUA_OK && strcmp(lua_tostring(L, -1), "boom") == 0, "getfield: %s", lua_tostring(L, -1));
    lua_pop(L, 1);
    CHECK(clua_safe_len(L, 1) != LUA_OK && strcmp(lua_tostring(L, -1), "len") == 0, "len: %s", lua_tostring(L, -1));
    lua_settop(L, 0);
    lua_pushcfunction(L, clua_msghandler);
    luaL_loadstring(L, "error('deep')");
    CHECK(clua_pcall(L, 0, 0, 1) != LUA_OK && strstr(lua_tostring(L, -1), "stack traceback:") != NULL, "msghandler: %s", lua_tostring(L, -1));
    clua_close(L);
}

// The Lua states' small-block pool (pool.c; runtime.c bypasses it under AddressSanitizer, so
// it is checked here on its own): every size from 1 to CLUA_POOL_MAX, three blocks each, over
// several chunks; blocks aligned and disjoint (each filled with its own byte, then read back);
// a freed block is the next one of its class handed out.
static void check_pool(void) {
    puts("pool");
    enum { COPIES = 3, COUNT = CLUA_POOL_MAX * COPIES };
    static unsigned char *blocks[COUNT];
    clua_pool pool = {0};
    for (int i = 0; i < COUNT; i++) {
        size_t size = (size_t)(i / COPIES) + 1;
        blocks[i] = clua_pool_alloc(&pool, size);
        CHECK(blocks[i] != NULL && (uintptr_t)blocks[i] % 16 == 0, "block %d of %zu bytes: %p", i, size, (void *)blocks[i]);
        if (blocks[i] != NULL) memset(blocks[i], i % 251, size);
    }
    for (int i = 0; i < COUNT; i++) {
        size_t size = (size_t)(i / COPIES) + 1;
        for (size_t b = 0; blocks[i] != NULL && b < size; b++) {
            if (blocks[i][b] != i % 251) {
                CHECK(0, "block %d of %zu bytes was overwritten at byte %zu", i, size, b);
                break;
            }
        }
    }
    for (int i = 0; i < COUNT; i += COPIES) {
        size_t size = (size_t)(i / COPIES) + 1;
        clua_pool_free(&pool, blocks[i], size);
        unsigned char *again = clua_pool_alloc(&pool, size);
        CHECK(again == blocks[i], "a freed block of %zu bytes was not handed out again", size);
    }
    CHECK(pool.chunks != NULL && *(void **)pool.chunks != NULL, "the blocks fit one chunk: the check tests no chunk change");
    clua_pool_release(&pool);
    CHECK(pool.chunks == NULL && pool.bump == NULL, "released pool not empty");
}

int main(void) {
    check_pool();
    check_json();
    check_memory_cap();
    check_no_finalizer();
    check_trampoline();
    check_protected();
    if (failures) { fprintf(stderr, "%d check(s) failed\n", failures); return 1; }
    puts("all C checks passed");
    return 0;
}
