import Foundation

/// The API's endpoints, independent of HTTP plumbing and faults.
final class SandboxEndpoints: Sendable {
    /// Page size when `X-Per` is absent or invalid (the documented default).
    static let defaultPer = 20
    /// Largest page served: a larger `X-Per` is capped, as Rails paginators do; the
    /// effective value is echoed in the `X-Per` response header.
    static let maxPer = 100
    /// Largest request body read.
    static let maxBodyBytes = 1 << 20

    let seed: SeedData
    let store: MeetingStore
    let tokens: TokenIssuer
    let stats: Locked<SandboxStats>
    private let defaultTokenTTL: Duration

    init(configuration: SandboxConfiguration, dayStart: Int64, stats: Locked<SandboxStats>) {
        seed = SeedData(seed: configuration.seed)
        store = MeetingStore(
            meetings: seed.meetings(count: configuration.meetingCount, dayStart: dayStart),
            presenters: seed.presenters, seed: configuration.seed)
        tokens = TokenIssuer(companyID: seed.companyID, seed: configuration.seed)
        defaultTokenTTL = configuration.tokenTTL
        clock = configuration.clock
        self.stats = stats
    }

    let clock: SandboxClock

    // MARK: POST /authenticate

    func authenticate(body: [UInt8], tokenTTL: Duration?) -> Reply {
        guard let json = SandboxJSON.parse(body), case .object = json else {
            return .error(400, "Bad Request: the body must be a JSON object")
        }
        guard let id = json["secret_id"]?.stringValue, let key = json["secret_key"]?.stringValue else {
            return .error(400, "Bad Request: secret_id and secret_key are required")
        }
        guard constantTimeEqual(id, seed.secretID) && constantTimeEqual(key, seed.secretKey) else {
            stats.withLock { $0.rejectedAuthentications += 1 }
            return .unauthorized
        }
        let issued = tokens.issue(now: clock.nowMilliseconds, ttl: tokenTTL ?? defaultTokenTTL)
        stats.withLock { $0.authentications += 1 }
        return Reply(
            status: 200,
            json: .object([
                ("token", .string(issued.token)),
                ("expires_at", .string(ISODate.format(milliseconds: issued.expiresAt))),
                ("company", .string(SeedData.companyName)),
            ]))
    }

    /// Whether an `Authorization` header carries a live token.
    func isAuthorized(_ authorization: String?) -> Bool {
        guard let authorization else { return false }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
        return tokens.isValid(parts[1].trimmingSpaces(), now: clock.nowMilliseconds)
    }

    // MARK: GET /meetings

    func list(query: String?, pageHeader: String?, perHeader: String?) -> Reply {
        let page = pageHeader.flatMap { Int($0.trimmingSpaces()) }.flatMap { $0 >= 1 ? $0 : nil } ?? 1
        let requestedPer = perHeader.flatMap { Int($0.trimmingSpaces()) }.flatMap { $0 >= 1 ? $0 : nil } ?? Self.defaultPer
        let per = min(requestedPer, Self.maxPer)
        let summaries = store.list(filter: QueryFilter(query: query), page: page, per: per)
        return Reply(
            status: 200, json: .array(summaries),
            headers: [("X-Page", String(page)), ("X-Per", String(per))]
        )
    }

    // MARK: GET /meetings/{id}

    func get(id: String, origin: String) -> Reply {
        guard let meeting = store.meeting(id: id) else { return .notFound }
        return Reply(status: 200, json: meeting.fullJSON(origin: origin))
    }

    // MARK: POST /meetings

    /// Creates a meeting: 201 with the full meeting, or 422 with the documented error shape.
    func create(body: [UInt8], origin: String) -> Reply {
        guard var json = SandboxJSON.parse(body), case .object = json else {
            return .error(400, "Bad Request: the body must be a JSON object")
        }
        // Rails' wrap_parameters: `{"meeting": {...}}` is accepted too.
        if let wrapped = json["meeting"], case .object = wrapped { json = wrapped }

        var errors: [(String, [String])] = []
        let user = json["user"]?.stringValue.flatMap { name in
            seed.presenters.first(where: { $0.caseInsensitiveCompare(name) == .orderedSame })
        }
        if user == nil { errors.append(("user", ["User must exist"])) }

        var startsAt: Int64?
        switch json["starts_at"] {
        case .string(let text)?: startsAt = ISODate.parse(text.trimmingSpaces())
        case .integer(let seconds)?: startsAt = seconds.multipliedReportingOverflow(by: 1000).overflow ? nil : seconds * 1000
        case .number(let seconds)? where seconds.isFinite && abs(seconds) < 1e15: startsAt = Int64(seconds * 1000)
        default: startsAt = nil
        }
        if startsAt == nil { errors.append(("starts_at", ["please specify a start date"])) }

        let url = json["cobrowsing_url"]?.stringValue?.trimmingSpaces() ?? ""
        if url.isEmpty {
            errors.append(("cobrowsing_url", ["Please specify a cobrowsing URL", "Cobrowsing URL is not valid"]))
        } else if !Self.isWebURL(url) {
            errors.append(("cobrowsing_url", ["Cobrowsing URL is not valid"]))
        }

        var cookies = SandboxJSON.array([])
        switch json["cobrowsing_cookies_data"] {
        case nil, .null?: break
        case .array(let items)? where items.allSatisfy({ if case .object = $0 { true } else { false } }):
            cookies = .array(items)
        default: errors.append(("cobrowsing_cookies_data", ["Cobrowsing cookies data is not valid"]))
        }
        var customData = SandboxJSON.object([])
        switch json["custom_data"] {
        case nil, .null?: break
        case .object(let pairs)?: customData = .object(pairs)
        default: errors.append(("custom_data", ["Custom data is not valid"]))
        }
        var iframes: [String: String] = [:]
        for field in ["presenter_waiting_room_iframe_url", "prospect_waiting_room_iframe_url"] {
            switch json[field] {
            case nil, .null?: break
            case .string(let text)? where Self.isWebURL(text): iframes[field] = text
            default: errors.append((field, ["Iframe URL is not valid"]))
            }
        }

        guard errors.isEmpty, let user, let startsAt else {
            stats.withLock { $0.validationFailures += 1 }
            return Reply(status: 422, json: SandboxMeeting.validationFailureJSON(errors: errors))
        }
        let meeting = store.insert { id in
            SandboxMeeting(
                id: id, user: user, status: "scheduled", startsAt: startsAt, duration: nil,
                cobrowsingURL: url, cobrowsingCookiesData: cookies, customData: customData,
                presenterWaitingRoomIframeURL: iframes["presenter_waiting_room_iframe_url"],
                prospectWaitingRoomIframeURL: iframes["prospect_waiting_room_iframe_url"]
            )
        }
        stats.withLock { $0.meetingsCreated += 1 }
        return Reply(status: 201, json: meeting.fullJSON(origin: origin))
    }

    /// An absolute http(s) URL with a host.
    static func isWebURL(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return false }
        return !text.contains(" ")
    }

    private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
