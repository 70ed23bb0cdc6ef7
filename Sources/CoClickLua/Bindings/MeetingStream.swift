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

    private var source: Source
    private var buffer: [MeetingRecord] = []
    private var index = 0
    private(set) var abandoned = false

    init(client: CoClickClient, query: MeetingQuery?, per: Int, limit: Int?, full: Bool, concurrency: Int) {
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

    /// The next meeting, waiting for the network only when the current page is used up.
    func next(_ call: LuaCall) throws -> MeetingRecord? {
        if abandoned { throw LuaScriptError("this meetings iterator was interrupted; start a new one") }
        if index < buffer.count {
            defer { index += 1 }
            return buffer[index]
        }
        if case .finished = source { return nil }
        let batch: [MeetingRecord]
        do {
            batch = try call.blockingAwait { try await self.nextBatch() }
        } catch let error as LuaInterrupted {
            abandoned = true
            throw error
        } catch {
            close()  // an API error ends the loop; calling again yields nothing
            throw error
        }
        buffer = batch
        index = 0
        guard !buffer.isEmpty else { return nil }
        index = 1
        return buffer[0]
    }

    /// Stops the loop: the iterator goes, cancelling the requests in flight.
    func close() {
        guard !abandoned else { return }
        source = .finished
        buffer = []
        index = 0
    }

    /// The next page of summaries, or the next full meeting; empty at the end.
    private func nextBatch() async throws -> [MeetingRecord] {
        switch source {
        case .summaries(let pages):
            // Pages may be empty only at the end, but a server may still send one: skip it.
            while let page = try await pages.next() {
                if !page.items.isEmpty { return page.items.map(MeetingRecord.init) }
            }
        case .full(let meetings):
            if let meeting = try await meetings.next() { return [MeetingRecord(meeting)] }
        case .finished:
            return []
        }
        source = .finished
        return []
    }
}
