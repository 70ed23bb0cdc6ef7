extension JSONDocument {
    /// A parsed document's memory: the text (a copy of the body), the side buffer of unescaped
    /// strings and the nodes, owned here and freed with it. Only `let`s, fixed once made, so a
    /// `Reader` is a few loads: reading through `Data` and two arrays took a dynamic exclusivity
    /// check of `Data`'s storage and three closures, 500 instructions a meeting handed to Lua.
    /// Nothing writes after `init`, hence `@unchecked Sendable`.
    final class Storage: @unchecked Sendable {
        /// Zero bytes after the text and the side buffer: scans load sixteen bytes from any
        /// offset up to the end, and the zero at the end (a control byte) stops a string scan.
        static let padding = 16

        let text: UnsafeRawBufferPointer
        let side: UnsafeRawBufferPointer
        let nodes: UnsafeBufferPointer<Node>

        /// Takes the buffers over: `text` and `side` from `paddedCopy` (their counts without the
        /// padding), `nodes` allocated for `Node`s (its room may exceed its count).
        init(text: UnsafeRawBufferPointer, side: UnsafeRawBufferPointer, nodes: UnsafeBufferPointer<Node>) {
            self.text = text
            self.side = side
            self.nodes = nodes
        }

        deinit {
            text.deallocate()
            side.deallocate()
            nodes.deallocate()
        }

        /// A copy of `bytes` followed by `padding` zero bytes (memory even for no bytes).
        static func paddedCopy(_ bytes: UnsafeRawBufferPointer) -> UnsafeMutableRawPointer {
            let memory = UnsafeMutableRawPointer.allocate(byteCount: bytes.count + padding, alignment: 8)
            if let source = bytes.baseAddress { memory.copyMemory(from: source, byteCount: bytes.count) }
            (memory + bytes.count).initializeMemory(as: UInt8.self, repeating: 0, count: padding)
            return memory
        }
    }
}
