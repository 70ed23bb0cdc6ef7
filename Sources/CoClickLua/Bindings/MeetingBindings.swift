import CLua
import CoClickAPI

/// coclick.meetings.list / each / all / get / get_many / create.
struct MeetingBindings {
    let clients: ClientSource
    let dryRun: DryRun?
    /// `create(fields, {key=})`: the host's at-most-once creation (the state database).
    var keyedCreate: KeyedCreate?

    static let defaultPer = 20
    static let defaultConcurrency = CoClickConfiguration.defaultConcurrency

    func install(in state: LuaState) {
        let table = "coclick.meetings"
        state.register("list", in: table) { call in try list(call) }
        state.register("each", in: table) { call in try each(call) }
        state.register("all", in: table) { call in try all(call) }
        state.register("get", in: table) { call in try get(call) }
        state.register("get_many", in: table) { call in try getMany(call) }
        state.register("create", in: table) { call in try create(call) }
    }

    // MARK: Listing

    /// `list{q=, page=1, per=20}` -> meetings, `{page=, per=, count=, next=}`.
    func list(_ call: LuaCall) throws -> LuaResult {
        var query: MeetingQuery?
        var page = 1, per = Self.defaultPer
        if let options = try call.optionalTable(1) {
            try call.checkFields(options, allowed: ["q", "page", "per"])
            query = try call.queryField(options)
            page = try call.integerField(options, "page", atLeast: 1) ?? page
            per = try call.integerField(options, "per", atLeast: 1) ?? per
        }
        let client = try clients.get()
        let result = try call.blockingAwait { [query, page, per] in
            try await client.listMeetingsBody(query: query, page: page, per: per)
        }
        call.newTable(arrayCount: Int32(clamping: result.count))
        call.markArray()
        for (i, item) in result.items.enumerated() {
            call.push(meetingIn: result.document, at: item)
            call.setIndex(-2, Int64(i + 1))
        }
        call.newTable(fieldCount: 4)
        call.push(result.page)
        call.setField(-2, "page")
        call.push(result.per)
        call.setField(-2, "per")
        call.push(result.count)
        call.setField(-2, "count")
        if let next = result.next {
            call.push(next)
            call.setField(-2, "next")
        }
        return .values(2)
    }

    /// The options of `each` and `all`: `{q=, per=, limit=, full=, concurrency=}`.
    private func stream(_ call: LuaCall) throws -> MeetingStream {
        var query: MeetingQuery?
        var per = Self.defaultPer, limit: Int?, full = false, concurrency = Self.defaultConcurrency
        if let options = try call.optionalTable(1) {
            try call.checkFields(options, allowed: ["q", "per", "limit", "full", "concurrency"])
            query = try call.queryField(options)
            per = try call.integerField(options, "per", atLeast: 1) ?? per
            limit = try call.integerField(options, "limit", atLeast: 0)
            full = try call.booleanField(options, "full") ?? false
            concurrency = try call.integerField(options, "concurrency", atLeast: 1) ?? concurrency
        }
        let client = try clients.get()
        return MeetingStream(client: client, query: query, per: per, limit: limit, full: full, concurrency: concurrency)
    }

    /// `each{...}` -> iterator, nil, nil, closing value: `for m in coclick.meetings.each{} do`.
    /// Pages are fetched as the loop goes (a window of them read ahead); `break` closes the
    /// stream at once through the closing value, cancelling the requests in flight.
    func each(_ call: LuaCall) throws -> LuaResult {
        let stream = try stream(call)
        call.push(function: { call in
            if try !stream.pushNext(call) { call.pushNil() }
            return .values(1)
        })
        call.pushNil()
        call.pushNil()
        call.newTable()
        call.newTable(fieldCount: 2)
        call.push(function: { _ in
            stream.close()
            return .none
        })
        call.setField(-2, "__close")
        call.push("coclick.meetings.iterator")
        call.setField(-2, "__name")
        lua_setmetatable(call.L, -2)
        return .values(4)
    }

    /// `all{...}` -> every meeting, in one array. The array grows in the Lua heap, so it counts
    /// against `--max-memory`: over the cap, the loop stops and the call raises "not enough
    /// memory" (Swift holds only the page being copied and the one read ahead).
    func all(_ call: LuaCall) throws -> LuaResult {
        let stream = try stream(call)
        defer { stream.close() }
        call.newTable()
        call.markArray()
        var n: Int64 = 0
        while !call.isOverMemoryLimit, try stream.pushNext(call) {
            n += 1
            call.setIndex(-2, n)
        }
        return .values(1)
    }

    // MARK: One meeting

    /// `get(id)` -> the full meeting.
    func get(_ call: LuaCall) throws -> LuaResult {
        let id = try call.strictString(1)
        let client = try clients.get()
        let meeting = try call.blockingAwait { try await client.meeting(id: id) }
        call.push(meeting: MeetingRecord(meeting))
        return .values(1)
    }

    /// `get_many(ids [, {concurrency=8}])` -> the full meetings, in the order of `ids`.
    func getMany(_ call: LuaCall) throws -> LuaResult {
        let list = try call.table(1)
        var ids: [String] = []
        var i: Int64 = 1
        while true {
            let type = LuaType(rawValue: lua_rawgeti(call.L, list, lua_Integer(i))) ?? .none
            defer { call.pop() }
            if type == .nil { break }
            guard type == .string, let id = call.stringValue(-1) else {
                throw LuaArgumentError(argument: 1, message: "ids[\(i)]: string expected, got \(type.name)")
            }
            ids.append(id)
            i += 1
        }
        var concurrency = Self.defaultConcurrency
        if let options = try call.optionalTable(2) {
            try call.checkFields(options, allowed: ["concurrency"])
            concurrency = try call.integerField(options, "concurrency", atLeast: 1) ?? concurrency
        }
        if ids.isEmpty {
            call.push(meetings: [])
            return .values(1)
        }
        let client = try clients.get()
        let meetings = try call.blockingAwait { [ids, concurrency] in
            try await client.meetings(ids: ids, concurrency: concurrency)
        }
        call.push(meetings: meetings.map(MeetingRecord.init))
        return .values(1)
    }

    // MARK: Creating

    static let createFields: Set<String> = [
        "user", "starts_at", "cobrowsing_url", "cobrowsing_cookies_data", "custom_data",
        "presenter_waiting_room_iframe_url", "prospect_waiting_room_iframe_url",
    ]

    /// `create{user=, starts_at=, cobrowsing_url=, ...}` -> the created meeting. Required
    /// fields are not checked here: the API's validation errors say it better.
    /// `create(fields, {key=})` creates at most once per key (see `KeyedCreate`).
    func create(_ call: LuaCall) throws -> LuaResult {
        let t = try call.table(1)
        try call.checkFields(t, allowed: Self.createFields)
        var key: String?
        if let options = try call.optionalTable(2) {
            try call.checkFields(options, allowed: ["key"])
            key = try call.stringField(options, "key")
            if let key, key.isEmpty || key.utf8.count > 65536 {
                throw LuaArgumentError(argument: 2, message: "field 'key': 1 to 65536 bytes expected")
            }
        }
        let new = NewMeeting(
            user: try call.stringField(t, "user"),
            startsAt: try startsAt(call, t),
            cobrowsingURL: try call.stringField(t, "cobrowsing_url"),
            cobrowsingCookiesData: try call.arrayField(t, "cobrowsing_cookies_data"),
            customData: try call.objectField(t, "custom_data"),
            presenterWaitingRoomIframeURL: try call.stringField(t, "presenter_waiting_room_iframe_url"),
            prospectWaitingRoomIframeURL: try call.stringField(t, "prospect_waiting_room_iframe_url"))
        if let dryRun { return try dryRun.create(call, new) }
        let client = try clients.get()
        if let key {
            guard let keyedCreate else {
                throw BindingError(kind: "configuration", message: "create with a key needs the state database, which this host does not provide")
            }
            // A second value says whether this call created it: "created", "existing" or "adopted".
            let (meeting, how) = try keyedCreate(new, key, client, call)
            call.push(meeting: MeetingRecord(meeting))
            call.push(how.rawValue)
            return .values(2)
        }
        let meeting = try call.blockingAwait { try await client.createMeeting(new) }
        call.push(meeting: MeetingRecord(meeting))
        return .values(1)
    }

    /// `starts_at`: ISO 8601 text, passed as given, or epoch seconds, written as the API writes
    /// dates (milliseconds, local offset: `2021-10-30T14:29:33.000+02:00`).
    private func startsAt(_ call: LuaCall, _ t: Int32) throws -> String? {
        try call.field(t, "starts_at", expected: "string or number") { type in
            switch type {
            case .string: return call.stringValue(-1)
            case .number:
                guard let epoch = call.numberValue(-1), let text = LuaTime.format(epoch, utc: false) else {
                    throw LuaArgumentError(argument: t, message: "field 'starts_at': epoch seconds out of range")
                }
                return text
            default: return nil
            }
        }
    }
}
