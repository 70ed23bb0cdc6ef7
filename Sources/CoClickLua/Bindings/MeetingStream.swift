import CoClickAPI

/// The state of one `coclick.meetings.each` loop (or `all`): the client's async iterator, which
/// reads a window of pages ahead (at most `concurrency`), and the page being handed out.
///
/// Touched only by the Lua thread, and by the task `blockingAwait` runs while that thread is
/// blocked on it, hence `@unchecked Sendable`. After an interrupt that task may outlive the
/// wait, so the stream is then `abandoned` and never touched from Lua again.
final class MeetingStream: @unchecked Sendable {
    private enum Source {
        case summaries(MeetingPageSequence.AsyncIterator)
        /// Full meetings, each page's details fetched concurrently, the next page's ahead.
        case full(FullMeetingSequence.AsyncIterator)
        case finished
    }

    /// What the last wait brought: a page as read, or full meetings.
    private enum Batch {
        case page(Page)
        case records([MeetingRecord])

        var count: Int {
            switch self {
            case .page(let page): page.items.count
            case .records(let records): records.count
            }
        }
    }

    /// A page as read, held by reference: handing out a meeting borrows it (the page's struct,
    /// copied out of the enum for each meeting, cost 350 instructions of retains and releases).
    private final class Page: Sendable {
        let document: JSONDocument
        let items: [Int]

        init(_ body: MeetingPageBody) {
            document = body.document
            items = body.items
        }
    }

    private var source: Source
    /// Where the waits for pages run: the client's event loop, where the pages arrive.
    private let executor: any TaskExecutor
    private var batch = Batch.records([])
    private var index = 0
    private(set) var abandoned = false

    init(client: CoClickClient, query: MeetingQuery?, per: Int, limit: Int?, full: Bool, concurrency: Int) {
        executor = client.taskExecutor
        if full {
            source = .full(
                client.fullMeetings(query: query, per: per, limit: limit, concurrency: concurrency)
                    .makeAsyncIterator())
        } else {
            source = .summaries(
                client.meetingPages(query: query, per: per, limit: limit, concurrency: concurrency)
                    .makeAsyncIterator())
        }
    }

    /// Pushes the next meeting and returns true, or pushes nothing and returns false at the end;
    /// waits for the network only when the current page is used up.
    func pushNext(_ call: LuaCall) throws -> Bool {
        if abandoned { throw LuaScriptError("this meetings iterator was interrupted; start a new one") }
        if index >= batch.count {
            if case .finished = source { return false }
            do {
                batch = try call.blockingAwait(on: executor) { try await self.nextBatch() }
            } catch let error as LuaInterrupted {
                abandoned = true
                throw error
            } catch {
                close()  // an API error ends the loop; calling again yields nothing
                throw error
            }
            index = 0
            guard batch.count > 0 else { return false }
        }
        switch batch {
        case .page(let page): call.push(meetingIn: page.document, at: page.items[index])
        case .records(let records): call.push(meeting: records[index])
        }
        index += 1
        return true
    }

    /// Stops the loop: the iterator goes, cancelling the requests in flight.
    func close() {
        guard !abandoned else { return }
        source = .finished
        batch = .records([])
        index = 0
    }

    /// The next page of summaries, or the next full meeting; empty at the end.
    private func nextBatch() async throws -> Batch {
        switch source {
        case .summaries(let pages):
            // Pages may be empty only at the end, but a server may still send one: skip it.
            while let page = try await pages.nextBody() {
                if page.count > 0 { return .page(Page(page)) }
            }
        case .full(let meetings):
            if let meeting = try await meetings.next() { return .records([MeetingRecord(meeting)]) }
        case .finished:
            return .records([])
        }
        source = .finished
        return .records([])
    }
}
