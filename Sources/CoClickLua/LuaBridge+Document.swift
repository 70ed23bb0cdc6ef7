import CLua
import CoClickAPI

/// Lua values straight from a parsed body (`JSONDocument`): the same tables `push(_:nulls:)`
/// makes from a `JSONValue`, without building one first. A page of meetings goes from the
/// socket's bytes to Lua tables in one pass.
extension LuaCall {
    /// Pushes the meeting object at node `index` of a page whose meetings were checked
    /// (`MeetingPageBody`): null fields left out, `id` always present (a full meeting's
    /// `token` copied to it), as `push(meeting:)` does.
    func push(meetingIn document: JSONDocument, at index: Int) {
        document.withReader { DocumentPusher(call: self, document: $0).pushMeeting(index) }
    }
}

private struct DocumentPusher {
    let call: LuaCall
    let document: JSONDocument.Reader

    /// As `LuaCall.pushJSON`: beyond the depth limit (or when the stack cannot grow) a subtree
    /// becomes json.null rather than an unbounded recursion.
    func push(_ index: Int, nulls: LuaNullPolicy, depth: Int) {
        guard depth <= LuaCall.maxDepth, call.ensureStack(3) else {
            call.pushJSONNull()
            return
        }
        let node = document.nodes[index]
        switch node.kind {
        case .null: call.pushJSONNull()
        case .false: call.push(false)
        case .true: call.push(true)
        case .integer: call.push(node.payload)
        case .number: call.push(Double(bitPattern: UInt64(bitPattern: node.payload)))
        case .string: call.push(bytes: document.bytes(index))
        case .array:
            call.newTable(arrayCount: Int32(clamping: node.length))
            call.markArray()
            var i = index + 1
            var n: Int64 = 0
            while i < Int(node.payload) {
                push(i, nulls: nulls, depth: depth + 1)
                n += 1
                call.setIndex(-2, n)
                i = document.end(i)
            }
        case .object:
            call.newTable(fieldCount: Int32(clamping: node.length))
            var i = index + 1
            while i < Int(node.payload) {
                call.push(bytes: document.bytes(i))
                // A null left out is set to nil: a repeated key's last value wins, as in `JSONValue`.
                if nulls == .absent && document.nodes[i + 1].kind == .null {
                    lua_pushnil(call.L)
                } else {
                    push(i + 1, nulls: nulls, depth: depth + 1)
                }
                lua_rawset(call.L, -3)
                i = document.end(i + 1)
            }
        }
    }

    func pushMeeting(_ index: Int) {
        push(index, nulls: .absent, depth: 0)
        guard document.nodes[index].kind == .object else { return }
        // No `id` (absent or null): the token (which the page's check found) is the id.
        call.push("id")
        let id = lua_rawget(call.L, -2)
        call.pop()
        guard id == LUA_TNIL else { return }
        call.push("token")
        if lua_rawget(call.L, -2) == LUA_TSTRING {
            call.setField(-2, "id")
        } else {
            call.pop()
        }
    }
}
