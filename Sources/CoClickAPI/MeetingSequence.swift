/// The pages of `GET /meetings` in order, up to `concurrency` requested ahead of the caller
/// (see `PageWindow`). Stops after a page shorter than `per` (or empty), and after `limit` items.
public struct MeetingPageSequence: AsyncSequence, Sendable {
    public typealias Element = MeetingPage
    let client: CoClickClient
    let query: MeetingQuery?
    let per: Int
    let limit: Int?
    let concurrency: Int

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(sequence: self)
    }

    public final class AsyncIterator: AsyncIteratorProtocol {
        private let pages: PageWindow<MeetingPageBody>

        init(sequence s: MeetingPageSequence) {
            pages = PageWindow(
                per: s.per, limit: s.limit, bound: s.concurrency, executor: s.client.transport.executor,
                fetch: { page, throttle in
                    let result = try await s.client.listMeetingsBody(query: s.query, page: page, per: s.per, throttle: throttle)
                    return FetchedPage(page: result, items: result.count, per: result.per, ids: result.ids)
                },
                trim: { page, keep in page.prefix(keep) })
        }

        public func next() async throws -> MeetingPage? {
            try await pages.next()?.typed()
        }

        /// The next page as read, nothing built (what the Lua side lists from). `holding`: pages
        /// the caller got and still holds, which count against the window.
        package func nextBody(holding: Int = 0) async throws -> MeetingPageBody? {
            try await pages.next(holding: holding)
        }

        /// Pages the window may keep in flight now.
        package var window: Int { pages.size }
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

/// Every meeting in full, in the order of the pages: the summaries are read through a page
/// window, and their details fetched ahead of the caller, `concurrency` in flight, across page
/// boundaries. At most `concurrency` details are held (fetched or on their way).
public struct FullMeetingSequence: AsyncSequence, Sendable {
    public typealias Element = Meeting
    /// The summaries' pages; their window's bound is also the details'.
    let pages: MeetingPageSequence

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(sequence: self)
    }

    public final class AsyncIterator: AsyncIteratorProtocol {
        private let client: CoClickClient
        private let concurrency: Int
        private var summaries: MeetingSequence.AsyncIterator
        private var summariesDone = false
        /// Detail requests in the order their meetings come out.
        private var details: [Task<Meeting, any Error>] = []

        init(sequence s: FullMeetingSequence) {
            client = s.pages.client
            concurrency = Swift.max(1, s.pages.concurrency)
            summaries = MeetingSequence.AsyncIterator(pages: s.pages.makeAsyncIterator())
        }

        deinit {
            for task in details { task.cancel() }
        }

        public func next() async throws -> Meeting? {
            do {
                while details.count < concurrency, !summariesDone {
                    guard let summary = try await summaries.next() else {
                        summariesDone = true
                        break
                    }
                    let (client, id) = (self.client, summary.id)
                    details.append(Task { try await client.meeting(id: id) })
                }
                guard !details.isEmpty else { return nil }
                let first = details.removeFirst()
                return try await withTaskCancellationHandler {
                    try await first.value
                } onCancel: {
                    first.cancel()
                }
            } catch {
                summariesDone = true
                for task in details { task.cancel() }
                details = []
                throw error
            }
        }
    }
}
