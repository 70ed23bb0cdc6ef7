/// The parser's growing list of nodes, written through a pointer and doubled when full (rarely:
/// room for a node per 16 bytes of text is made up front). An array held in the parser paid a
/// uniqueness and a room check and a call per node. Ends handed to `JSONDocument.Storage`
/// (`nodes`), or freed (`deallocate`) when the text is refused.
struct JSONNodeBuffer {
    private(set) var base: UnsafeMutablePointer<JSONDocument.Node>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    @inline(__always)
    mutating func append(_ node: JSONDocument.Node) {
        if count == capacity { grow() }
        (base + count).initialize(to: node)
        count &+= 1
    }

    @inline(never)
    private mutating func grow() {
        let larger = UnsafeMutablePointer<JSONDocument.Node>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = larger
        capacity *= 2
    }

    /// A node already appended (the parser completes a container's when it closes).
    @inline(__always)
    subscript(index: Int) -> JSONDocument.Node {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }

    /// The nodes appended, for the document to own.
    var nodes: UnsafeBufferPointer<JSONDocument.Node> { UnsafeBufferPointer(start: base, count: count) }

    func deallocate() { base.deallocate() }
}
