/// Pages fetched one ahead: as soon as page N is handed to the caller, page N+1 is on its way,
/// so the caller's work on N and the network overlap. Stops when a page names no successor, or
/// once `limit` items were handed out (`fetch` is told how many are still wanted, and trims).
/// A cancelled caller cancels the fetch it waits for; the one read ahead is cancelled with it.
final class PageReadAhead<Page: Sendable> {
    typealias Fetch = @Sendable (_ page: Int, _ remaining: Int?) async throws -> (page: Page, items: Int, next: Int?)

    private let fetch: Fetch
    private let limit: Int?
    private var nextPage: Int? = 1
    private var delivered = 0
    private var pending: Task<(page: Page, items: Int, next: Int?), any Error>?

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
        delivered += result.items
        if let next = result.next, limit.map({ delivered < $0 }) ?? true {
            nextPage = next
            pending = start(next)
        }
        return result.page
    }

    private func start(_ page: Int) -> Task<(page: Page, items: Int, next: Int?), any Error> {
        let (fetch, remaining) = (self.fetch, limit.map { $0 - delivered })
        return Task { try await fetch(page, remaining) }
    }
}
