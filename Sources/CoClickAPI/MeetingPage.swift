/// One page of `GET /meetings`.
public struct MeetingPage: Sendable, Hashable {
    public var items: [MeetingSummary]
    public var page: Int
    public var per: Int
    /// Items on this page.
    public var count: Int { items.count }
    /// The next page number, nil on the last page (shorter than `per`, or empty).
    public var next: Int?
    /// A total the server announced (`X-Total`, `X-Total-Pages`), as a hint only.
    public var announcedTotal: Int?

    public init(items: [MeetingSummary], page: Int, per: Int, announcedTotal: Int? = nil) {
        self.items = items
        self.page = page
        self.per = per
        self.announcedTotal = announcedTotal
        // The data decides: a full page may have a successor, whatever a header says.
        self.next = (!items.isEmpty && items.count >= per) ? page + 1 : nil
    }
}

/// One page of `GET /meetings` as read: the parsed body and the nodes of its meetings, each
/// checked as a `MeetingSummary` is, nothing built yet. The Lua side pushes the meetings from
/// it; `MeetingPage` (the typed page) is built from it.
package struct MeetingPageBody: Sendable {
    package let document: JSONDocument
    /// The node of each meeting, in order.
    package var items: [Int]
    package var page: Int
    package var per: Int
    package var announcedTotal: Int?
    /// Cut at a `limit`: nothing comes after it.
    var isCut = false

    package var count: Int { items.count }
    /// The next page number, nil on the last page (shorter than `per`, or empty).
    package var next: Int? { (!isCut && !items.isEmpty && items.count >= per) ? page + 1 : nil }

    /// The page's ids, as listed (a page repeating the one before is an error).
    var ids: PageIDs {
        PageIDs(count: items.count) { [document, items] k in
            // Each meeting was checked when the page was read: its id is there.
            document.withReader { page in MeetingSummary.idNode(page, object: items[k]).map { Array(page.bytes($0)) } ?? [] }
        }
    }

    /// The first `keep` meetings (the page that reaches a `limit`).
    func prefix(_ keep: Int) -> MeetingPageBody {
        var page = self
        page.items = Array(items.prefix(keep))
        page.isCut = true
        return page
    }

    /// The typed page.
    func typed() throws -> MeetingPage {
        var result = MeetingPage(
            items: try items.map { try MeetingSummary(document, object: $0) }, page: page, per: per,
            announcedTotal: announcedTotal)
        if isCut { result.next = nil }
        return result
    }
}
