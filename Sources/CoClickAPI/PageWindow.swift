import Synchronization

/// One page as a fetch hands it to `PageWindow`.
struct FetchedPage<Page: Sendable>: Sendable {
    var page: Page
    /// Items on the page.
    var items: Int
    /// The page size the server served: a page of this many items may have a successor.
    var per: Int
    /// The page's ids as the server listed them (before any trim to `limit`).
    var ids = PageIDs.none
}

/// Pages fetched in a window, delivered in order. `X-Page` lets pages be asked in any order,
/// so while the caller works on page N, pages N+1 ... N+size are on their way. The window
/// starts at 1 (a one-page listing costs one request), doubles while pages come back full, up
/// to `bound`, and halves when a request is throttled (429/503): new requests then also wait
/// out the `Retry-After`. At most `size` pages are in flight or waiting, so memory is bounded
/// by the window. The first short or empty page (or the `limit`-th item) ends the sequence and
/// cancels every request beyond it; so do an error and the caller's cancellation.
///
/// A page listing the same ids as the one before it is a `decode` error: a server or proxy that
/// ignores `X-Page` would otherwise make the sequence endless.
///
/// `bound == 1` is one page read ahead. Used by one caller at a time.
final class PageWindow<Page: Sendable> {
    typealias Fetch = @Sendable (_ page: Int, _ throttle: ThrottleSignal) async throws -> FetchedPage<Page>
    /// The first `keep` items of a page (the one that reaches `limit`).
    typealias Trim = (_ page: Page, _ keep: Int) -> Page

    private let fetch: Fetch
    private let executor: (any TaskExecutor)?
    private let trim: Trim
    private let limit: Int?
    private let bound: Int
    private let throttle = ThrottleSignal()
    private(set) var size = 1
    /// Items a full page holds, as far as known: the requested size until a server says it serves less.
    private var perEstimate: Int
    private var nextNumber = 1
    /// Requests launched and not yet delivered, in page order.
    private var launched: [Task<FetchedPage<Page>, any Error>] = []
    private var delivered = 0
    /// Pages delivered that the caller still holds (see `next(holding:)`).
    private var held = 0
    private var finished: Bool
    /// The last page handed out: its number and ids (which keep its body until the next page:
    /// one page more at most, and the caller usually still holds it).
    private var previous: (number: Int, ids: PageIDs)?

    init(per: Int, limit: Int?, bound: Int, executor: (any TaskExecutor)? = nil, fetch: @escaping Fetch, trim: @escaping Trim) {
        self.executor = executor
        self.fetch = fetch
        self.trim = trim
        self.limit = limit
        self.bound = max(1, bound)
        perEstimate = max(1, per)
        finished = limit.map { $0 <= 0 } ?? false
    }

    deinit {
        for task in launched { task.cancel() }
    }

    /// The next page, or nil after the last. `holding`: pages the caller got and still holds,
    /// counted against the window as pages waiting in it are (one is always requested when none
    /// is in flight).
    func next(holding: Int = 0) async throws -> Page? {
        held = holding
        if launched.isEmpty {
            guard !finished else { return nil }
            fill()
        }
        guard !launched.isEmpty else { return nil }
        let task = launched.removeFirst()
        let result: FetchedPage<Page>
        do {
            result = try await withTaskCancellationHandler {
                try await task.value
            } onCancel: {
                task.cancel()
            }
        } catch {
            stop()
            throw error
        }
        let number = (previous?.number ?? 0) + 1
        if let previous, !result.ids.isEmpty, result.ids.same(as: previous.ids) {
            stop()
            throw CoClickError(
                .decode,
                message: "list meetings: page \(number) repeats page \(previous.number): "
                    + "the server ignores X-Page")
        }
        previous = (number, result.ids)
        var page = result.page
        var items = result.items
        if result.per > 0 { perEstimate = result.per }
        if let limit, delivered + items >= limit {
            if delivered + items > limit {
                items = limit - delivered
                page = trim(page, items)
            }
            stop()
        } else if items == 0 || items < result.per {
            stop()  // the last page: nothing beyond it is wanted
        } else {
            size = throttle.takeEvents() ? max(1, size / 2) : min(bound, size * 2)
            fill()
        }
        delivered += items
        return page
    }

    /// Launches requests until the window is full (the page being handed out is not counted).
    private func fill() {
        if throttle.takeEvents() { size = max(1, size / 2) }
        while !finished, launched.count + held < size || launched.isEmpty, wanted(nextNumber) {
            let (number, fetch, throttle) = (nextNumber, self.fetch, self.throttle)
            launched.append(
                Task(executorPreference: executor) {
                    try await throttle.waitOut()
                    return try await fetch(number, throttle)
                })
            nextNumber += 1
        }
    }

    /// Whether page `number` may hold items below the limit, the pages before it being full.
    private func wanted(_ number: Int) -> Bool {
        guard let limit else { return true }
        let (before, overflow) = (number - 1).multipliedReportingOverflow(by: perEstimate)
        return !overflow && before < limit
    }

    private func stop() {
        finished = true
        for task in launched { task.cancel() }
        launched = []
    }
}

/// Told by the transport when a request is throttled (429 or 503, retried after a delay), so
/// that a window of requests shrinks and sends nothing new before that delay is over.
final class ThrottleSignal: Sendable {
    private struct State {
        var events = 0
        var resumeAt: ContinuousClock.Instant?
    }
    private let state = Mutex(State())

    /// A request was throttled and is retried after `delay`.
    func throttled(retryingAfter delay: Duration) {
        let until = ContinuousClock.now + delay
        state.withLock {
            $0.events += 1
            $0.resumeAt = max($0.resumeAt ?? until, until)
        }
    }

    /// Whether a request was throttled since the last call.
    func takeEvents() -> Bool {
        state.withLock { state in
            defer { state.events = 0 }
            return state.events > 0
        }
    }

    /// Waits until the latest throttling delay is over.
    func waitOut() async throws {
        guard let until = state.withLock({ $0.resumeAt }), until > .now else { return }
        try await Task.sleep(until: until, clock: .continuous)
    }
}
