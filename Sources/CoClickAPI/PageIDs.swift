/// The ids a page listed, compared with the page before's: a server or proxy that ignores
/// `X-Page` sends the same page again and again. Made in a few instructions a page: the count
/// and the first and last ids (`summary`). Every id is read (`all`, from the page's body, which
/// the reader keeps) only when those match, so a repeat is still found exactly. (A copy of every
/// id, as each page was read, cost 160 instructions a meeting.)
struct PageIDs: Sendable {
    /// The number of ids, then the first and the last (each its length, then its bytes).
    let summary: [UInt8]
    /// Every id in order, in the same form: equal exactly when the ids are.
    let all: @Sendable () -> [UInt8]

    /// A page without ids (never a repeat).
    static let none = PageIDs(count: 0) { _ in [] }

    /// `count` ids, `id(k)` the bytes of the `k`th.
    init(count: Int, id: @escaping @Sendable (Int) -> [UInt8]) {
        var summary: [UInt8] = []
        if count > 0 {
            Self.append(count, to: &summary)
            Self.append(id(0), to: &summary)
            Self.append(id(count - 1), to: &summary)
        }
        self.summary = summary
        all = {
            var ids: [UInt8] = []
            for k in 0..<count { Self.append(id(k), to: &ids) }
            return ids
        }
    }

    var isEmpty: Bool { summary.isEmpty }

    /// Whether the two pages list the same ids in the same order.
    func same(as other: PageIDs) -> Bool {
        summary == other.summary && all() == other.all()
    }

    private static func append(_ count: Int, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: count)) { bytes.append(contentsOf: $0) }
    }

    private static func append(_ id: [UInt8], to bytes: inout [UInt8]) {
        append(id.count, to: &bytes)
        bytes.append(contentsOf: id)
    }
}
