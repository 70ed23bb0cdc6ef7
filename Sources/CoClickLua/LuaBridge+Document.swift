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
                if nulls == .absent, case .null = document.nodes[i + 1].kind {
                    lua_pushnil(call.L)
                } else {
                    push(i + 1, nulls: nulls, depth: depth + 1)
                }
                lua_rawset(call.L, -3)
                i = document.end(i + 1)
            }
        }
    }

    /// The meeting object at `index`, its nulls left out, `id` set from `token` when the last
    /// `id` is absent or null (as `MeetingRecord` does).
    func pushMeeting(_ index: Int) {
        let object = document.nodes[index]
        guard case .object = object.kind, call.ensureStack(4) else {
            push(index, nulls: .absent, depth: 0)
            return
        }
        call.newTable(fieldCount: Int32(clamping: object.length))
        var id: JSONDocument.Kind = .null
        var token: Int?
        var i = index + 1
        while i < Int(object.payload) {
            let value = i + 1
            let kind = document.nodes[value].kind
            // Cases, not `==`: Kind's Equatable witness is not inlined across modules.
            if document.equals(i, "id") {
                id = kind
            } else if case .string = kind, document.equals(i, "token") {
                token = value
            }
            call.push(bytes: document.bytes(i))
            // A null left out is set to nil: a repeated key's last value wins, as in `JSONValue`.
            if case .null = kind {
                lua_pushnil(call.L)
            } else {
                push(value, nulls: .absent, depth: 1)
            }
            lua_rawset(call.L, -3)
            i = document.end(value)
        }
        if case .null = id, let token {
            call.push(bytes: document.bytes(token))
            call.setField(-2, "id")
        }
    }
}
