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
        private let sequence: MeetingPageSequence
        private var nextPage: Int? = 1
        private var delivered = 0
        private var pending: Task<MeetingPage, any Error>?

        init(sequence: MeetingPageSequence) {
            self.sequence = sequence
            if let limit = sequence.limit, limit <= 0 { nextPage = nil }
        }

        deinit { pending?.cancel() }

        public func next() async throws -> MeetingPage? {
            guard let page = nextPage else { return nil }
            let task = pending ?? fetch(page)
            pending = nil
            nextPage = nil  // set again below only if this page succeeds and has a successor
            var result = try await withTaskCancellationHandler {
                try await task.value
            } onCancel: {
                task.cancel()
            }
            if let limit = sequence.limit, delivered + result.items.count >= limit {
                result.items = Array(result.items.prefix(limit - delivered))
                delivered = limit
                result.next = nil
                return result
            }
            delivered += result.items.count
            if let next = result.next {
                nextPage = next
                pending = fetch(next)
            }
            return result
        }

        private func fetch(_ page: Int) -> Task<MeetingPage, any Error> {
            let (client, query, per) = (sequence.client, sequence.query, sequence.per)
            return Task { try await client.listMeetings(query: query, page: page, per: per) }
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
        private let sequence: FullMeetingSequence
        private var nextPage: Int? = 1
        private var delivered = 0
        private var pending: Task<(next: Int?, meetings: [Meeting]), any Error>?
        private var buffer: [Meeting] = []
        private var index = 0

        init(sequence: FullMeetingSequence) {
            self.sequence = sequence
            if let limit = sequence.limit, limit <= 0 { nextPage = nil }
        }

        deinit { pending?.cancel() }

        public func next() async throws -> Meeting? {
            while index >= buffer.count {
                guard let page = nextPage else { return nil }
                let task = pending ?? fetch(page)
                pending = nil
                nextPage = nil
                let result = try await withTaskCancellationHandler {
                    try await task.value
                } onCancel: {
                    task.cancel()
                }
                buffer = result.meetings
                index = 0
                delivered += buffer.count
                if let next = result.next, sequence.limit.map({ delivered < $0 }) ?? true {
                    nextPage = next
                    pending = fetch(next)
                }
            }
            defer { index += 1 }
            return buffer[index]
        }

        private func fetch(_ page: Int) -> Task<(next: Int?, meetings: [Meeting]), any Error> {
            let s = sequence
            let remaining = s.limit.map { $0 - delivered }
            return Task {
                let listed = try await s.client.listMeetings(query: s.query, page: page, per: s.per)
                let ids = listed.items.prefix(remaining ?? Int.max).map(\.id)
                return (listed.next, try await s.client.meetings(ids: Array(ids), concurrency: s.concurrency))
            }
        }
    }
}
