import Foundation
import NIOHTTP1

extension CoClickClient {
    /// One page of `GET /meetings`.
    public func listMeetings(query: MeetingQuery? = nil, page: Int = 1, per: Int = 20) async throws -> MeetingPage {
        try await listMeetings(query: query, page: page, per: per, throttle: nil)
    }

    /// One page; `throttle` hears of 429/503 retries (the paging window backs off on them).
    func listMeetings(query: MeetingQuery?, page: Int, per: Int, throttle: ThrottleSignal?) async throws -> MeetingPage {
        try await listMeetingsBody(query: query, page: page, per: per, throttle: throttle).typed()
    }

    /// One page as read (see `MeetingPageBody`): what the Lua side lists from.
    package func listMeetingsBody(query: MeetingQuery?, page: Int, per: Int) async throws -> MeetingPageBody {
        try await listMeetingsBody(query: query, page: page, per: per, throttle: nil)
    }

    func listMeetingsBody(query: MeetingQuery?, page: Int, per: Int, throttle: ThrottleSignal?) async throws -> MeetingPageBody {
        guard page >= 1 else { throw CoClickError(.badRequest, message: "page must be at least 1, got \(page)") }
        guard per >= 1 else { throw CoClickError(.badRequest, message: "per must be at least 1, got \(per)") }
        return try await get(
            url: url("/meetings", query: query?.encodedQueryString),
            tracedURL: url("/meetings", query: query?.queryString),
            headers: [("X-Page", String(page)), ("X-Per", String(per))],
            throttle: throttle, what: "list meetings"
        ) { exchange in
            try meetingPage(exchange, page: page, per: per)
        }
    }

    /// One page of meetings from a reply of `GET /meetings`: parsed once, each meeting checked.
    private func meetingPage(_ exchange: HTTPExchange, page: Int, per: Int) throws -> MeetingPageBody {
        let document = try jsonDocument(exchange, what: "list meetings")
        guard document.kind(JSONDocument.root) == .array else {
            throw CoClickError(
                .decode, status: exchange.status,
                message: "list meetings: expected a JSON array, got \(document.typeName(JSONDocument.root))",
                bodyExcerpt: ResponseClassifier.excerpt(exchange.body, scrub: redaction.current.redact))
        }
        let items = document.elements(of: JSONDocument.root)
        try document.withReader { page in
            for (index, item) in items.enumerated() {
                do {
                    _ = try MeetingSummary.check(page, object: item)
                } catch var error as CoClickError {
                    error.message = "list meetings: item \(index + 1): " + error.message
                    error.status = exchange.status
                    throw error
                }
            }
        }
        statistics?.update {
            $0.pages += 1
            $0.meetingsRead += items.count
        }
        let total = exchange.headers.first(name: "x-total").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        // A server that caps the page size (the sandbox at 100) says so in its X-Per reply: a
        // full page of that size is not the last one, though shorter than what was asked.
        let served = exchange.headers.first(name: "x-per").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let effectivePer = served.map { (1...per).contains($0) ? $0 : per } ?? per
        return MeetingPageBody(
            document: document, items: items, page: page, per: effectivePer, announcedTotal: total)
    }

    /// Every meeting on every page, up to `concurrency` pages read ahead while the caller works
    /// on the current one (see `MeetingPageSequence`).
    public func meetings(
        query: MeetingQuery? = nil, per: Int = 20, limit: Int? = nil,
        concurrency: Int = CoClickConfiguration.defaultConcurrency
    ) -> MeetingSequence {
        MeetingSequence(pages: meetingPages(query: query, per: per, limit: limit, concurrency: concurrency))
    }

    /// Every page, in order, up to `concurrency` requested ahead (1: the next one only). Pages
    /// are cut so that at most `limit` items come out.
    public func meetingPages(
        query: MeetingQuery? = nil, per: Int = 20, limit: Int? = nil,
        concurrency: Int = CoClickConfiguration.defaultConcurrency
    ) -> MeetingPageSequence {
        MeetingPageSequence(client: self, query: query, per: per, limit: limit, concurrency: bounded(concurrency))
    }

    /// Every meeting in full, in order: details fetched concurrently ahead of the caller, at
    /// most `concurrency` in flight, across page boundaries; the pages read ahead likewise.
    public func fullMeetings(
        query: MeetingQuery? = nil, per: Int = 20, limit: Int? = nil,
        concurrency: Int = CoClickConfiguration.defaultConcurrency
    ) -> FullMeetingSequence {
        FullMeetingSequence(pages: meetingPages(query: query, per: per, limit: limit, concurrency: concurrency))
    }

    /// `requested` within 1 and the configuration's `maxConcurrency` (`--max-concurrency`).
    func bounded(_ requested: Int) -> Int {
        max(1, min(requested, configuration.maxConcurrency ?? Int.max))
    }

    /// `GET /meetings/{id}`.
    public func meeting(id: String) async throws -> Meeting {
        guard !id.isEmpty else { throw CoClickError(.badRequest, message: "a meeting id must not be empty") }
        let meeting = try await get(url: url("/meetings/" + PercentEncoding.encode(id)), what: "get meeting") { exchange in
            try Meeting(json: json(exchange, what: "get meeting"))
        }
        statistics?.update { $0.meetingsRead += 1 }
        return meeting
    }

    /// The meetings of `ids`, in that order, at most `concurrency` requests in flight.
    /// The first failure cancels the rest and is thrown.
    public func meetings(ids: [String], concurrency: Int = CoClickConfiguration.defaultConcurrency) async throws -> [Meeting] {
        guard !ids.isEmpty else { return [] }
        let width = min(bounded(concurrency), 64, ids.count)
        _ = try await tokens.token()  // one authentication before the fan-out
        var results = [Meeting?](repeating: nil, count: ids.count)
        try await withThrowingTaskGroup(of: (Int, Meeting).self) { group in
            var next = 0
            func startNext() {
                let index = next
                let id = ids[index]
                group.addTask { (index, try await self.meeting(id: id)) }
                next += 1
            }
            while next < width { startNext() }
            while let (index, meeting) = try await group.next() {
                results[index] = meeting
                if next < ids.count { startNext() }
            }
        }
        var ordered: [Meeting] = []
        ordered.reserveCapacity(ids.count)
        for meeting in results {
            guard let meeting else { throw CancellationError() }
            ordered.append(meeting)
        }
        return ordered
    }

    /// `POST /meetings`. Never retried once it may have reached the server, so a meeting is
    /// never created twice. A validation failure is a `validation` error with its fields.
    public func createMeeting(_ new: NewMeeting) async throws -> Meeting {
        let exchange = try await authorized(.POST, url: url("/meetings"), body: new.json.jsonData(), what: "create meeting")
        // Created, even if the reply cannot be read.
        statistics?.update { $0.meetingsCreated += 1 }
        return try Meeting(json: json(exchange, what: "create meeting"))
    }

    /// Posts JSON to a webhook (chat, alerting): the client's timeouts, no retry, no
    /// token. Returns the status and at most `maxWebhookResponseBytes` of the reply as text.
    /// The trace shows only the webhook's host: its path is often its secret.
    public func postJSON(url: String, body: JSONValue, headers: [String: String] = [:]) async throws -> (status: Int, body: String) {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw CoClickError(.badRequest, message: "post_json: the URL must start with http:// or https://")
        }
        let spec = HTTPRequestSpec(
            method: .POST, url: url, headers: headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
            body: body.jsonData(), bodyLimit: configuration.maxWebhookResponseBytes,
            truncate: true, retry: .none, tracedURL: AttemptFailure.hostPart(url) + "/" + Redactor.placeholder)
        let exchange = try await transport.send(spec)
        return (exchange.status, String(decoding: exchange.body, as: UTF8.self))
    }
}
