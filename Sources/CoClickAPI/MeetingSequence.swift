/// The pages of `GET /meetings`, the next one requested while the caller works on the current
/// one. Stops after a page shorter than `per` (or empty), and after `limit` items.
public struct MeetingPageSequence: AsyncSequence, Sendable {
    public typealias Element = MeetingPage
    let client: CoClickClient
    let query: MeetingQuery?
    let per: Int
    let limit: Int?

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(sequence: self)
    }

    public final class AsyncIterator: AsyncIteratorProtocol {
        private let pages: PageReadAhead<MeetingPage>

        init(sequence s: MeetingPageSequence) {
            pages = PageReadAhead(limit: s.limit) { page, remaining in
                var result = try await s.client.listMeetings(query: s.query, page: page, per: s.per)
                let ids = result.items.map(\.id)
                if let remaining, result.items.count >= remaining {
                    result.items = Array(result.items.prefix(remaining))
                    result.next = nil
                }
                return (result, result.items.count, result.next, ids)
            }
        }

        public func next() async throws -> MeetingPage? {
            try await pages.next()
        }
    }
}

/// Every meeting summary on every page (see `MeetingPageSequence`).
public struct MeetingSequence: AsyncSequence, Sendable {
    public typealias Element = MeetingSummary
    let pages: MeetingPageSequence

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(pages: pages.makeAsyncIterator())
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var pages: MeetingPageSequence.AsyncIterator
        var buffer: [MeetingSummary] = []
        var index = 0

        public mutating func next() async throws -> MeetingSummary? {
            while index >= buffer.count {
                guard let page = try await pages.next() else { return nil }
                buffer = page.items
                index = 0
            }
            defer { index += 1 }
            return buffer[index]
        }
    }
}

/// Every meeting in full: each page's details fetched concurrently, and the next page (list
/// and details) while the caller works on the current one.
public struct FullMeetingSequence: AsyncSequence, Sendable {
    public typealias Element = Meeting
    let client: CoClickClient
    let query: MeetingQuery?
    let per: Int
    let limit: Int?
    let concurrency: Int

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(sequence: self)
    }

    public final class AsyncIterator: AsyncIteratorProtocol {
        private let pages: PageReadAhead<[Meeting]>
        private var buffer: [Meeting] = []
        private var index = 0

        init(sequence s: FullMeetingSequence) {
            pages = PageReadAhead(limit: s.limit) { page, remaining in
                let listed = try await s.client.listMeetings(query: s.query, page: page, per: s.per)
                let ids = Array(listed.items.prefix(remaining ?? Int.max).map(\.id))
                let meetings = try await s.client.meetings(ids: ids, concurrency: s.concurrency)
                return (meetings, meetings.count, listed.next, listed.items.map(\.id))
            }
        }

        public func next() async throws -> Meeting? {
            while index >= buffer.count {
                guard let meetings = try await pages.next() else { return nil }
                buffer = meetings
                index = 0
            }
            defer { index += 1 }
            return buffer[index]
        }
    }
}
