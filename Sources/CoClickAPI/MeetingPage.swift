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
