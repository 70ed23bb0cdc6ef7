import CoClickSandbox
import CoClickSandboxTesting
import Foundation
import Testing

@testable import CoClickAPI

/// The window of list requests behind `meetings`, `meetingPages` and `fullMeetings`, seen from
/// the sandbox: how many requests it has in flight, how many it received.
@Suite("Paging window")
struct PagingWindowTests {
    /// List requests the sandbox received (every request but the one authentication).
    static func listRequests(_ server: SandboxServer) -> Int {
        server.stats.requests - server.stats.authentications
    }

    /// Waits until the sandbox serves no list request, for at most `bound`: a state, not a time.
    static func waitUntilNoListInFlight(_ server: SandboxServer, bound: Duration = .seconds(30)) async -> Bool {
        await waitUntil(bound: bound) { server.stats.listsInFlight == 0 }
    }

    /// The read-ahead: while the caller holds page 1, the next pages are requested without
    /// its asking: one with `concurrency: 1`, two at once with a wider window (it doubles
    /// after a full page); while it holds page 2, four. Waited for as states (requests counted
    /// by the sandbox), so only a missing read-ahead fails it.
    @Test(arguments: [1, 8])
    func pagesAreRequestedWhileTheCallerHoldsOne(concurrency: Int) async throws {
        try await withSandbox(meetings: 200) { server in
            try await TestClient(server).run { client in
                let pages = client.meetingPages(per: 10, concurrency: concurrency).makeAsyncIterator()
                let first = try #require(try await pages.next())
                #expect(first.count == 10)
                let ahead = concurrency == 1 ? 1 : 2
                #expect(await waitUntil { Self.listRequests(server) == 1 + ahead }, "\(server.stats)")
                #expect(pages.window == min(2, concurrency))
                _ = try #require(try await pages.next())
                let further = concurrency == 1 ? 1 : 4
                #expect(await waitUntil { Self.listRequests(server) == 2 + further }, "\(server.stats)")
                var count = 20
                while let page = try await pages.next() { count += page.count }
                #expect(count == 200)
                if concurrency == 1 { #expect(server.stats.mostListsInFlight == 1, "\(server.stats)") }
            }
        }
    }

    @Test func pagesComeInOrderWithSeveralInFlight() async throws {
        try await withSandbox(meetings: 400, faults: "latency=20ms") { server in
            try await TestClient(server).run { client in
                var oneAhead: [String] = []
                for try await m in client.meetings(per: 10, concurrency: 1) { oneAhead.append(m.id) }
                // One page read ahead: never two list requests at the sandbox at once.
                #expect(server.stats.mostListsInFlight == 1)
                var windowed: [String] = []
                for try await m in client.meetings(per: 10) { windowed.append(m.id) }
                #expect(oneAhead.count == 400)
                #expect(windowed == oneAhead)
                let most = server.stats.mostListsInFlight
                #expect(most > 1 && most <= CoClickConfiguration.defaultConcurrency, "\(server.stats)")
            }
        }
    }

    @Test func theWindowStopsAtTheShortPage() async throws {
        // Pages 1 to 20 are full, 21 holds 5: nothing is requested once 21 is known, so at most
        // the window (8) beyond page 20.
        try await withSandbox(meetings: 205) { server in
            try await TestClient(server).run { client in
                var count = 0
                for try await _ in client.meetings(per: 10) { count += 1 }
                #expect(count == 205)
                #expect(await Self.waitUntilNoListInFlight(server))
                let requests = Self.listRequests(server)
                #expect(requests >= 21 && requests <= 28, "\(server.stats)")
            }
        }
    }

    @Test func aLimitRequestsOnlyThePagesItNeeds() async throws {
        try await withSandbox(meetings: 205) { server in
            try await TestClient(server).run { client in
                var ids: [String] = []
                for try await m in client.meetings(per: 10, limit: 35) { ids.append(m.id) }
                #expect(ids.count == 35)
                #expect(await Self.waitUntilNoListInFlight(server))
                #expect(Self.listRequests(server) == 4, "\(server.stats)")
                var first: [String] = []
                for try await m in client.meetings(per: 10, limit: 35, concurrency: 1) { first.append(m.id) }
                #expect(ids == first)
            }
        }
    }

    @Test func maxConcurrencyCapsTheWindow() async throws {
        try await withSandbox(meetings: 300, faults: "latency=20ms") { server in
            try await TestClient(server, adjust: { $0.maxConcurrency = 1 }).run { client in
                var count = 0
                for try await _ in client.meetings(per: 10, concurrency: 8) { count += 1 }
                #expect(count == 300)
                #expect(server.stats.mostListsInFlight == 1, "\(server.stats)")
            }
        }
    }

    /// Cancelling the consumer (Ctrl-C cancels the task a binding waits on), dropping the
    /// iterator (`break` closes the stream) and an error on one page each cancel every request
    /// in flight. The fetches are scripted: pages 1 to 3 come at once, later ones wait until
    /// cancelled, so what is in flight is known exactly. (The sandbox cannot show it: its server
    /// keeps half-closed connections open.)
    @Test(arguments: ["cancel", "drop", "error"])
    func everyRequestInFlightIsCancelled(_ how: String) async throws {
        let pending = PendingFetches()
        let failing = how == "error"
        var window: PageWindow<Int>? = PageWindow(
            per: 10, limit: nil, bound: 8,
            fetch: { page, _ in
                if page <= 3 { return FetchedPage(page: page, items: 10, per: 10) }
                if failing && page == 4 {
                    try await pending.waitUntilLaunched(7)
                    throw CoClickError(.server, status: 500, message: "page 4 failed")
                }
                try await pending.hang(page)
                return FetchedPage(page: page, items: 10, per: 10)
            }, trim: { page, _ in page })
        for expected in 1...3 { #expect(try await window?.next() == expected) }
        // After page 3 the window is 8 wide: pages 4 to 11 are in flight.
        try await pending.waitUntilLaunched(failing ? 7 : 8)
        #expect(await pending.launched == Set(failing ? 5...11 : 4...11))
        switch how {
        case "cancel":
            nonisolated(unsafe) let waiting = window
            let consumer = Task { try await waiting?.next() }
            consumer.cancel()
            #expect(await consumer.result.failureIsCancellation)
        case "drop":
            window = nil
        default:
            await #expect(throws: CoClickError.self) { try await window?.next() }
        }
        try await pending.waitUntilCancelled(failing ? 7 : 8)
        #expect(await pending.cancelled == Set(failing ? 5...11 : 4...11))
        _ = window
    }

    /// A page repeating the one before is found from its ids in full: the same count and the
    /// same first and last ids (all that is compared at first) are not a repeat when an id
    /// between them differs. Ids are read as `check` reads them (`token` for a null `id`,
    /// escapes undone).
    @Test func aRepeatedPageIsEveryIdTheSame() async throws {
        func ids(_ meetings: [String]) throws -> PageIDs {
            let document = try JSONDocument.parse(Data(("[" + meetings.joined(separator: ",") + "]").utf8))
            return MeetingPageBody(document: document, items: document.elements(of: JSONDocument.root), page: 1, per: 10).ids
        }
        let page = try ids([#"{"id":"a"}"#, #"{"id":"b"}"#, #"{"id":"c"}"#])
        #expect(page.same(as: try ids([#"{"id":"a"}"#, #"{"id":null,"token":"b"}"#, #"{"id":"\u0063"}"#])))
        #expect(!page.same(as: try ids([#"{"id":"a"}"#, #"{"id":"x"}"#, #"{"id":"c"}"#])))
        #expect(!page.same(as: try ids([#"{"id":"a"}"#, #"{"id":"bb"}"#, #"{"id":"c"}"#])))
        #expect(!page.same(as: try ids([#"{"id":"a"}"#, #"{"id":"b"}"#, #"{"id":"b"}"#, #"{"id":"c"}"#])))
        #expect(!page.same(as: try ids([#"{"id":"a"}"#, #"{"id":"c"}"#])))
        #expect(!page.same(as: PageIDs.none) && PageIDs.none.isEmpty && !page.isEmpty)

        // Through the window: page 2 shares page 1's ends, page 3 repeats page 2.
        let lists: [[UInt8]] = [[1, 2, 3], [1, 4, 3], [1, 4, 3]]
        let window = PageWindow<Int>(
            per: 3, limit: nil, bound: 1,
            fetch: { page, _ in
                let list = lists[min(page, 3) - 1]
                return FetchedPage(page: page, items: 3, per: 3, ids: PageIDs(count: 3) { [list[$0]] })
            }, trim: { page, _ in page })
        #expect(try await window.next() == 1)
        #expect(try await window.next() == 2)
        await #expect {
            try await window.next()
        } throws: {
            ($0 as? CoClickError)?.message == "list meetings: page 3 repeats page 2: the server ignores X-Page"
        }
    }

    /// A 429 with Retry-After halves the window (and new requests wait it out); the pages still
    /// come complete and in order.
    @Test func throttlingShrinksTheWindow() async throws {
        try await withSandbox(meetings: 300) { server in
            let test = TestClient(server)
            try await test.run { client in
                var expected: [String] = []
                for try await m in client.meetings(per: 10, concurrency: 1) { expected.append(m.id) }

                let pages = client.meetingPages(per: 10, concurrency: 8).makeAsyncIterator()
                var ids: [String] = []
                var windows: [Int] = []
                var throttledAt: Int?
                while let page = try await pages.next() {
                    ids += page.items.map(\.id)
                    windows.append(pages.window)
                    if throttledAt == nil, pages.window == 8 {
                        throttledAt = windows.count
                        server.setFaults(try FaultPlan(parsing: "429=x2,retry_after=1"))
                    }
                }
                #expect(ids == expected)
                let after = try #require(throttledAt)
                #expect(windows[after...].contains { $0 < 8 }, "window sizes: \(windows)")
                #expect(test.attempts("GET", "/meetings").contains { $0.status == 429 })
                #expect(server.stats.faultsInjected == 2)
            }
        }
    }
}

/// Scripted fetches that wait until cancelled, and what became of them.
actor PendingFetches {
    private(set) var launched: Set<Int> = []
    private(set) var cancelled: Set<Int> = []

    /// Waits (as a request in flight) until the task is cancelled, then throws.
    nonisolated func hang(_ page: Int) async throws {
        await launch(page)
        let stream = AsyncStream<Never> { _ in }
        for await _ in stream {}  // ends only when the task is cancelled
        await cancel(page)
        throw CancellationError()
    }

    private func launch(_ page: Int) { launched.insert(page) }
    private func cancel(_ page: Int) { cancelled.insert(page) }

    /// Until `count` fetches are in flight (bounded: a broken window fails, never hangs the run).
    nonisolated func waitUntilLaunched(_ count: Int) async throws {
        let reached = await waitUntil { await self.launched.count >= count }
        try #require(reached, "fewer than \(count) fetches launched")
    }

    nonisolated func waitUntilCancelled(_ count: Int) async throws {
        let reached = await waitUntil { await self.cancelled.count >= count }
        try #require(reached, "fewer than \(count) fetches cancelled")
    }
}

extension Result {
    var failureIsCancellation: Bool {
        if case .failure(let error) = self { error is CancellationError } else { false }
    }
}
