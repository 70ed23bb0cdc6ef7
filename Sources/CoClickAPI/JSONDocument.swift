import Foundation

/// A JSON text parsed once (by `JSONParser`) into a flat list of nodes in document order, over
/// a copy of the text: strings are ranges of the body (an escaped one is unescaped once, into a
/// side buffer), numbers are already read, and a container knows where its subtree ends.
///
/// It lets a reader take what it needs without building a `JSONValue` tree: a page of meetings
/// goes from the socket's bytes into Lua tables in one pass (`LuaCall.push(meetingIn:at:)`),
/// while `value(at:)` builds the tree for the typed models. Every node was checked when parsed
/// (valid UTF-8, numbers in range, depth bounded), so reading one cannot fail.
package struct JSONDocument: Sendable {
    package enum Kind: UInt8, Sendable {
        case null, `false`, `true`, integer, number, string, array, object
    }

    /// One value. For a string: `offset` and `length` of its UTF-8 bytes (in `bytes`, or in
    /// `unescaped` when `escaped`). For an integer or a number: `payload` (a `Double`'s bit
    /// pattern). For an array or an object: `length` elements (an object's are key and value
    /// nodes in turn) and, in `payload`, the index of the first node after the container.
    package struct Node: Sendable {
        package var payload: Int64 = 0
        package var offset: UInt32 = 0
        package var length: UInt32 = 0
        package var kind: Kind
        package var escaped = false
    }

    let storage: Storage

    /// The root value's node.
    package static let root = 0

    /// Parses `data` (see `JSONParser`); throws a `JSONParser.Failure` naming what and where.
    package static func parse(_ data: Data) throws -> JSONDocument {
        try JSONParser.document(data)
    }

    init(storage: Storage) { self.storage = storage }

    package func kind(_ index: Int) -> Kind { storage.nodes[index].kind }

    /// The node indexes of an array's elements.
    package func elements(of array: Int) -> [Int] {
        withReader { document in
            var result: [Int] = []
            result.reserveCapacity(Int(document.nodes[array].length))
            var i = array + 1
            while i < Int(document.nodes[array].payload) {
                result.append(i)
                i = document.end(i)
            }
            return result
        }
    }

    /// Calls `body` with a reader over the document's memory, for loops over many nodes.
    package func withReader<R>(_ body: (Reader) throws -> R) rethrows -> R {
        // The storage outlives the call (an empty closure: the generic call with `body` inside
        // was not inlined, 50 instructions a meeting handed to Lua).
        defer { withExtendedLifetime(storage) {} }
        return try body(Reader(nodes: storage.nodes, text: storage.text, side: storage.side))
    }

    /// The nodes and the bytes they point into, valid inside `withReader` only.
    package struct Reader {
        package let nodes: UnsafeBufferPointer<Node>
        let text: UnsafeRawBufferPointer
        let side: UnsafeRawBufferPointer

        /// The UTF-8 bytes of the string at `index`.
        package func bytes(_ index: Int) -> UnsafeRawBufferPointer {
            let node = nodes[index]
            let start = Int(node.offset)
            return UnsafeRawBufferPointer(rebasing: (node.escaped ? side : text)[start..<start + Int(node.length)])
        }

        /// The index of the node after the subtree at `index`.
        package func end(_ index: Int) -> Int {
            let node = nodes[index]
            return node.kind == .array || node.kind == .object ? Int(node.payload) : index + 1
        }

        func value(at index: Int) -> JSONValue {
            let node = nodes[index]
            switch node.kind {
            case .null: return .null
            case .false: return .bool(false)
            case .true: return .bool(true)
            case .integer: return .integer(node.payload)
            case .number: return .number(Double(bitPattern: UInt64(bitPattern: node.payload)))
            case .string: return .string(String(decoding: bytes(index), as: UTF8.self))
            case .array:
                var items: [JSONValue] = []
                items.reserveCapacity(Int(node.length))
                var i = index + 1
                while i < Int(node.payload) {
                    items.append(value(at: i))
                    i = end(i)
                }
                return .array(items)
            case .object:
                var fields: [String: JSONValue] = Dictionary(minimumCapacity: Int(node.length))
                var i = index + 1
                while i < Int(node.payload) {
                    fields[String(decoding: bytes(i), as: UTF8.self)] = value(at: i + 1)
                    i = end(i + 1)
                }
                return .object(fields)
            }
        }

        /// Whether the string at `index` is `word`.
        package func equals(_ index: Int, _ word: StaticString) -> Bool {
            let node = nodes[index]
            guard Int(node.length) == word.utf8CodeUnitCount else { return false }
            guard let start = bytes(index).baseAddress, node.length > 0 else { return true }
            // memcmp: `elementsEqual` walked two iterators, 170 instructions a key (a page check
            // compares four or five keys a meeting).
            return memcmp(start, word.utf8Start, Int(node.length)) == 0
        }
    }

    /// The subtree at `index` as a `JSONValue`.
    package func value(at index: Int) -> JSONValue {
        withReader { $0.value(at: index) }
    }

    /// What a node holds, for error messages ("got number").
    package func typeName(_ index: Int) -> String { Self.typeName(kind(index)) }

    package static func typeName(_ kind: Kind) -> String {
        switch kind {
        case .null: return "null"
        case .false, .true: return "boolean"
        case .integer, .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}
