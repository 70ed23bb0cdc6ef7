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

    /// Pages handed over per wait, once the window is full. The Lua thread goes through a page
    /// in a fraction of the time the server takes to serve one, so it sleeps and is woken for
    /// every wait: a wake-up cost about 20 µs of CPU on this kind of machine, a tenth of a page's
    /// whole cost. Listing 100,000 meetings (medians of ten interleaved runs): 2,960 context
    /// switches and 0.19 s of CPU one page a wait, 2,190 and 0.17 s two, 1,840 and 0.16 s three.
    /// The pages held count against the window (at most `bound` pages beyond the script's, as
    /// ever); while the window is still growing (a listing's first pages) or is under twice
    /// this, pages are handed over one at a time, as soon as each arrives.
    private static let pagesPerWait = 3

    /// The window's bound (`concurrency`).
    private let bound: Int
    private var source: Source
    /// Where the waits for pages run: the client's event loop, where the pages arrive.
    private let executor: any TaskExecutor
    private var batch = Batch.records([])
    private var index = 0
    /// Pages received and not yet handed out, after `batch`.
    private var waiting: [Page] = []
    /// An error met reading the page after those in `waiting`: raised once they are handed out.
    private var deferredError: (any Error)?
    private(set) var abandoned = false

    init(client: CoClickClient, query: MeetingQuery?, per: Int, limit: Int?, full: Bool, concurrency: Int) {
        bound = concurrency
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
        if index >= batch.count, !waiting.isEmpty {
            batch = .page(waiting.removeFirst())
            index = 0
        }
        if index >= batch.count {
            if case .finished = source { return false }
            do {
                if let error = deferredError {
                    deferredError = nil
                    throw error
                }
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
        waiting = []
        deferredError = nil
    }

    /// Whether to wait for another page before handing over `count`: only with a full window
    /// of at least twice the pages a wait takes.
    private func wantsMore(_ count: Int, window: Int) -> Bool {
        count < Self.pagesPerWait && bound >= 2 * Self.pagesPerWait && window >= bound
    }

    /// The next page of summaries, or the next full meeting; empty at the end.
    private func nextBatch() async throws -> Batch {
        switch source {
        case .summaries(let pages):
            // Pages may be empty only at the end, but a server may still send one: skip it.
            var received: [Page] = []
            do {
                while received.isEmpty || wantsMore(received.count, window: pages.window),
                    let page = try await pages.nextBody(holding: received.count)
                {
                    if page.count > 0 { received.append(Page(page)) }
                }
            } catch {
                // The pages before the failure are handed out first.
                guard !received.isEmpty, !(error is CancellationError) else { throw error }
                deferredError = error
            }
            if let first = received.first {
                waiting = Array(received.dropFirst())
                return .page(first)
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
