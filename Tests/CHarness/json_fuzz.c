// libFuzzer target for the JSON codec (scripts/test-c builds it with ASan and UBSan).
//
// Each input is decoded under a memory cap; what decodes must encode, and what it encodes to must
// decode and encode again to the same bytes (the codec's round trip is stable). Errors are fine:
// memory errors, leaks and undefined behaviour are what the sanitizers report. The first byte
// picks the cap, so the out-of-memory paths of both directions are explored too.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lua.h>
#include <lauxlib.h>
#include "CLuaJSON.h"
#include "CLuaSupport.h"

static int round_trip(lua_State *L) {
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    lua_pushcfunction(L, cljson_decode);
    lua_pushlstring(L, text, len);
    lua_call(L, 1, 1);                       // raises on invalid input: fine
    lua_pushcfunction(L, cljson_encode);
    lua_insert(L, -2);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        // Decoded values always encode, except under the memory cap.
        const char *msg = lua_tostring(L, -1);
        if (msg == NULL || strstr(msg, "not enough memory") == NULL) {
            fprintf(stderr, "decoded but cannot encode: %s\n", msg ? msg : "?");
            abort();
        }
        return 0;
    }
    size_t n1;
    const char *once = lua_tolstring(L, -1, &n1);
    lua_pushcfunction(L, cljson_decode);
    lua_pushvalue(L, -2);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        if (msg == NULL || strstr(msg, "not enough memory") == NULL) {
            fprintf(stderr, "encoded output does not decode: %s\n%.*s\n", msg ? msg : "?", (int)n1, once);
            abort();
        }
        return 0;
    }
    lua_pushcfunction(L, cljson_encode);
    lua_insert(L, -2);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) return 0;
    size_t n2;
    const char *twice = lua_tolstring(L, -1, &n2);
    if (n1 != n2 || memcmp(once, twice, n1) != 0) {
        fprintf(stderr, "unstable round trip:\n%.*s\n%.*s\n", (int)n1, once, (int)n2, twice);
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    size_t limit = 0;
    if (size > 0) {
        // 0: no cap; else a cap between 8 KiB and 2 MiB, low enough to hit on large inputs.
        limit = data[0] < 128 ? 0 : (size_t)(data[0] - 127) * 16 * 1024;
        data++;
        size--;
    }
    lua_State *L = clua_newstate(limit);
    if (L == NULL) return 0;
    cljson_prepare(L);  // allocations from the host never fail (see the memory rule)
    lua_pushcfunction(L, round_trip);
    lua_pushlstring(L, (const char *)data, size);
    clua_pcall(L, 1, 0, 0);
    clua_close(L);
    return 0;
}
