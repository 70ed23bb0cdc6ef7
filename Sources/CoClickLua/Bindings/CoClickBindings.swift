import CLua
import CoClickAPI

/// The `coclick.*` functions over a `CoClickClient`: `coclick.meetings.*`, `coclick.auth`,
/// `coclick.http.post_json` (SPEC "The Lua API").
public enum CoClickBindings {
    /// Installs coclick.meetings.*, coclick.auth, coclick.http.post_json. `client` is called at
    /// each API call and makes the client lazily, once (the host keeps it: the runner's
    /// `ClientProvider`); an error it throws (no key pair, ...) is raised in Lua as an error table
    /// with kind = "configuration" and message = String(describing: error).
    ///
    /// The host keeps the client it makes and shuts it down. With `dryRun`, writes are checked,
    /// logged and not sent (`--dry-run`).
    ///
    /// `keyedCreate` is `create(fields, {key=})`; without it, a key is a configuration error.
    public static func install(
        in state: LuaState, client: @escaping () throws -> CoClickClient, dryRun: DryRun? = nil,
        keyedCreate: KeyedCreate? = nil
    ) {
        let clients = ClientSource(client)
        MeetingBindings(clients: clients, dryRun: dryRun, keyedCreate: keyedCreate).install(in: state)
        APIBindings(clients: clients, dryRun: dryRun).install(in: state)

        state.register("auth", in: "coclick") { call in
            let client = try clients.get()
            let token = try call.blockingAwait { try await client.token() }
            // Never the token itself.
            call.newTable(fieldCount: 2)
            call.push(token.company)
            call.setField(-2, "company")
            call.push(token.expiresAtText)
            call.setField(-2, "expires_at")
            return .values(1)
        }

        state.register("post_json", in: "coclick.http") { call in
            let url = try call.strictString(1)
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw LuaArgumentError(argument: 1, message: "URL must start with http:// or https://")
            }
            if call.type(2) == .none { throw LuaArgumentError(argument: 2, message: "value expected") }
            let body = try call.json(2)
            var headers: [String: String] = [:]
            if let options = try call.optionalTable(3) {
                try call.checkFields(options, allowed: ["headers"])
                headers = try Self.headers(call, options)
            }
            if let dryRun { return try dryRun.postJSON(call, url: url, body: body) }
            let client = try clients.get()
            let reply = try call.blockingAwait { [headers] in
                try await client.postJSON(url: url, body: body, headers: headers)
            }
            call.push(reply.status)
            call.push(reply.body)
            return .values(2)
        }
    }

    /// `{headers = {["X-Name"] = "value"}}`: strings (or numbers) only.
    private static func headers(_ call: LuaCall, _ options: Int32) throws -> [String: String] {
        let type = call.rawField(options, "headers")
        defer { call.pop() }
        if type == .nil { return [:] }
        guard type == .table else {
            throw LuaArgumentError(argument: options, message: "field 'headers': table expected, got \(type.name)")
        }
        let t = call.absolute(-1)
        var headers: [String: String] = [:]
        call.pushNil()
        while lua_next(call.L, t) != 0 {
            defer { call.pop() }
            guard call.type(-2) == .string, let name = call.stringValue(-2) else {
                call.pop()
                throw LuaArgumentError(argument: options, message: "field 'headers': names must be strings")
            }
            let valueType = call.type(-1)
            guard valueType == .string || valueType == .number, let value = call.stringValue(-1) else {
                call.pop()
                throw LuaArgumentError(
                    argument: options,
                    message: "field 'headers': \"\(name)\": string expected, got \(valueType.name)")
            }
            headers[name] = value
        }
        return headers
    }
}
