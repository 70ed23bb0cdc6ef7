#ifndef CLJSON_H
#define CLJSON_H
// The JSON codec of the `json` Lua helper: lua_CFunctions written in C, which raise Lua errors
// freely (call them from Lua, never from a Swift frame). Its scratch memory comes from the
// state's allocator, so it counts against the memory cap.
#include <stddef.h>

// Lua's state type (the sources include Lua's headers; Swift sees them through CLua).
typedef struct lua_State lua_State;

// json.null is a light userdata with this unique address.
void *cljson_null(void);
#define CLJSON_ARRAY_MT "coclick.json.array"
#define CLJSON_OBJECT_MT "coclick.json.object"
#define CLJSON_MAX_DEPTH 200
#define CLJSON_MAX_INPUT (64u * 1024u * 1024u)
int cljson_decode(lua_State *L);   // json.decode(text)
int cljson_encode(lua_State *L);   // json.encode(value [, {pretty=true}])
int cljson_array(lua_State *L);    // json.array([t]) marks (or creates) a table as an array
int cljson_object(lua_State *L);   // json.object([t]) marks (or creates) a table as an object
// Creates the marker metatables in the registry (idempotent). Allocates: from Swift, only under
// the memory rule of CLuaSupport (the allocator does not fail while Swift runs).
void cljson_prepare(lua_State *L);

#endif
