/// Pages fetched one ahead: as soon as page N is handed to the caller, page N+1 is on its way,
/// so the caller's work on N and the network overlap. Stops when a page names no successor, or
/// once `limit` items were handed out (`fetch` is told how many are still wanted, and trims).
/// A cancelled caller cancels the fetch it waits for; the one read ahead is cancelled with it.
/// A page listing the same ids as the one before it is a `decode` error: a server or proxy that
/// ignores `X-Page` would otherwise make the sequence endless.
final class PageReadAhead<Page: Sendable> {
    /// `ids`: the page's meeting ids as the server listed them (before any trimming to `limit`).
    typealias Fetch = @Sendable (_ page: Int, _ remaining: Int?) async throws
        -> (page: Page, items: Int, next: Int?, ids: [String])

    private let fetch: Fetch
    private let limit: Int?
    private var nextPage: Int? = 1
    private var delivered = 0
    private var pending: Task<(page: Page, items: Int, next: Int?, ids: [String]), any Error>?
    private var previous: (page: Int, ids: [String])?

    init(limit: Int?, fetch: @escaping Fetch) {
        self.fetch = fetch
        self.limit = limit
        if let limit, limit <= 0 { nextPage = nil }
    }

    deinit { pending?.cancel() }

    func next() async throws -> Page? {
        guard let page = nextPage else { return nil }
        let task = pending ?? start(page)
        pending = nil
        nextPage = nil  // set again below only if this page arrives and has a successor
        let result = try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
        if let previous, !result.ids.isEmpty, result.ids == previous.ids {
            throw CoClickError(.decode, message: "list meetings: page \(page) repeats page \(previous.page): "
                                   + "the server ignores X-Page")
        }
        previous = (page, result.ids)
        delivered += result.items
        if let next = result.next, limit.map({ delivered < $0 }) ?? true {
            nextPage = next
            pending = start(next)
        }
        return result.page
    }

    private func start(_ page: Int) -> Task<(page: Page, items: Int, next: Int?, ids: [String]), any Error> {
        let (fetch, remaining) = (self.fetch, limit.map { $0 - delivered })
        return Task { try await fetch(page, remaining) }
    }
}
