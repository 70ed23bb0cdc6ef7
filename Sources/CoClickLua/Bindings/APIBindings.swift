import CLua
import CoClickAPI

/// `coclick.api.get` / `coclick.api.post`: the escape hatch for endpoints the other bindings do
/// not cover, under the base URL only (see `APIPath`).
struct APIBindings {
    let clients: ClientSource
    let dryRun: DryRun?

    /// `X-Per` of `paginate=true` when none is given: the API's documented default, which every
    /// server honours (a larger one capped silently would read as a short, last page).
    static let defaultPer = 20

    func install(in state: LuaState) {
        state.register("get", in: "coclick.api") { call in try get(call) }
        state.register("post", in: "coclick.api") { call in try post(call) }
    }

    /// `get(path [, {query=, page=, per=, paginate=}])` -> the decoded body, `{status=, headers=}`.
    func get(_ call: LuaCall) throws -> LuaResult {
        let path = try call.strictString(1)
        var query: String?
        var page: Int?, per: Int?, paginate = false
        if let options = try call.optionalTable(2) {
            try call.checkFields(options, allowed: ["query", "page", "per", "paginate"])
            query = try queryOption(call, options, warnAboutStatus: Self.isMeetingList(path))
            page = try call.integerField(options, "page", atLeast: 1)
            per = try call.integerField(options, "per", atLeast: 1)
            paginate = try call.booleanField(options, "paginate") ?? false
        }
        let client = try clients.get()
        if paginate {
            return try everyPage(call, client, path: path, query: query, from: page ?? 1, per: per ?? Self.defaultPer)
        }
        var headers: [(String, String)] = []
        if let page { headers.append(("X-Page", String(page))) }
        if let per { headers.append(("X-Per", String(per))) }
        let reply = try call.blockingAwait { [query, headers] in
            try await client.send(.GET, path: path, query: query, headers: headers)
        }
        push(call, body: reply.body)
        push(call, meta: reply, pages: nil)
        return .values(2)
    }

    /// Every page from `from` on, until a page shorter than `per` (or than the `X-Per` the
    /// server says it served), as one array. A page equal to the previous one is a `decode`
    /// error: the server ignores `X-Page`, and paging would never end.
    private func everyPage(
        _ call: LuaCall, _ client: CoClickClient, path: String, query: String?,
        from first: Int, per: Int
    ) throws -> LuaResult {
        call.newTable()
        call.markArray()
        var count: Int64 = 0
        var page = first
        var previous: [JSONValue]?
        while true {
            let headers = [("X-Page", String(page)), ("X-Per", String(per))]
            let reply = try call.blockingAwait { [query, headers] in
                try await client.send(.GET, path: path, query: query, headers: headers)
            }
            guard case .array(let items)? = reply.body else {
                throw CoClickError(
                    .decode, status: reply.status,
                    message: "GET \(path): page \(page) is not a JSON array (paginate needs one)")
            }
            if !items.isEmpty, items == previous {
                throw CoClickError(
                    .decode, status: reply.status,
                    message: "GET \(path): page \(page) repeats page \(page - 1) (the server ignores X-Page)")
            }
            for item in items {
                count += 1
                call.push(item)
                call.setIndex(-2, count)
            }
            let served = reply.headers["x-per"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            let effectivePer = served.map { (1...per).contains($0) ? $0 : per } ?? per
            if items.count < effectivePer {
                push(call, meta: reply, pages: page - first + 1)
                return .values(2)
            }
            previous = items
            page += 1
        }
    }

    /// `post(path [, body])` -> the decoded body, `{status=, headers=}`. Never retried once it
    /// may have reached the server.
    func post(_ call: LuaCall) throws -> LuaResult {
        let path = try call.strictString(1)
        let body: JSONValue? = call.type(2).rawValue <= LuaType.nil.rawValue ? nil : try call.json(2)
        let client = try clients.get()
        if let dryRun {
            return try dryRun.post(call, try APIPath(path, baseURL: client.configuration.baseURL), body)
        }
        let reply = try call.blockingAwait { try await client.send(.POST, path: path, body: body) }
        push(call, body: reply.body)
        push(call, meta: reply, pages: nil)
        return .values(2)
    }

    /// `/meetings` (with or without a query string): its `q` draws the
    /// status warning the meeting bindings give.
    static func isMeetingList(_ path: String) -> Bool {
        let endpoint = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return endpoint == "/meetings" || endpoint == "meetings"
    }

    /// `query`: a table (sent in Rails' nested form, as `q` is) or a string (sent as it is).
    private func queryOption(_ call: LuaCall, _ options: Int32, warnAboutStatus: Bool) throws -> String? {
        switch try call.queryField(options, "query") {
        case nil: return nil
        case .text(let text)?: return text
        case .object(let json)?:
            guard case .object(let fields) = json else {
                throw LuaArgumentError(argument: options, message: "field 'query': a table of names to values expected")
            }
            if warnAboutStatus, let q = fields["q"] { QueryStatusWarning.check(q, call) }
            return MeetingQuery.encodedParameters(fields)
        }
    }

    private func push(_ call: LuaCall, body: JSONValue?) {
        if let body { call.push(body) } else { call.pushNil() }
    }

    private func push(_ call: LuaCall, meta reply: APIReply, pages: Int?) {
        call.newTable(fieldCount: 3)
        call.push(reply.status)
        call.setField(-2, "status")
        call.newTable(fieldCount: Int32(clamping: reply.headers.count))
        for (name, value) in reply.headers {
            call.push(value)
            call.setField(-2, name)
        }
        call.setField(-2, "headers")
        if let pages {
            call.push(pages)
            call.setField(-2, "pages")
        }
    }
}
