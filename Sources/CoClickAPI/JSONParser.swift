import Foundation

/// JSON text to a `JSONDocument` (and so to `JSONValue`) in one pass over the bytes, linear in size and in depth: the path of
/// every body the client reads. (Foundation's `JSONDecoder` into `JSONValue` tried each type in
/// turn, throwing per value, and was roughly cubic in nesting depth: a 28 KB body of ten 480-deep
/// objects took a minute.)
///
/// Strict RFC 8259: strings must be valid UTF-8 (no overlong forms or surrogates), escapes
/// complete, and numbers keep their kind: an integer literal is `.integer` or, beyond `Int64`,
/// an error (never a float that silently lost digits); a number with a fraction or an exponent
/// is `.number`, and one beyond `Double`'s range an error. Nesting is bounded by `maxDepth`.
/// Errors name what was wrong and the byte (from 1), as `json.decode` does.
///
/// One loop over the values (`run`), its position and the open container in locals, instead of
/// a function per value calling the next: a page's 190-byte meeting took 2,000 instructions.
struct JSONParser {
    /// Deeper than any body the API sends, and as deep as Foundation's decoder allowed.
    static let maxDepth = 512

    struct Failure: Error, CustomStringConvertible {
        var what: String
        var offset: Int
        var description: String { "\(what) at byte \(offset + 1)" }
    }

    /// The text: `count` bytes, then `JSONDocument.Storage.padding` zero bytes. A byte is read at
    /// any offset up to `count` (and sixteen from any such offset) without a bounds check: the zero
    /// at `count` is no token's first byte, stops a whitespace run and ends a string scan.
    private let text: UnsafePointer<UInt8>
    private let count: Int
    private var nodes: JSONNodeBuffer
    private var unescaped: [UInt8] = []

    /// The container being read: its node (-1 when none is open), its kind and how many elements
    /// it has so far. An outer one's count waits in its node's `length`, and each one's parent
    /// node in its `payload`, until it closes: no stack besides the nodes.
    private struct Open {
        var node = -1
        var isObject = false
        var elements = 0
    }

    /// Throws a `Failure`.
    static func parse(_ data: Data) throws -> JSONValue {
        try document(data).value(at: JSONDocument.root)
    }

    /// The whole text as a `JSONDocument`; throws a `Failure`.
    static func document(_ data: Data) throws -> JSONDocument {
        // Node offsets are 32-bit; bodies are capped far below (32 MiB).
        guard data.count < Int(UInt32.max) else { throw Failure(what: "text too large", offset: 0) }
        let text = data.withUnsafeBytes { JSONDocument.Storage.paddedCopy($0) }
        // About a node per 16 bytes of a page; not more up front for a large hostile body.
        var parser = JSONParser(text: text, count: data.count, nodes: JSONNodeBuffer(capacity: min(data.count / 16, 65_536)))
        do {
            try parser.run()
        } catch {
            text.deallocate()
            parser.nodes.deallocate()
            throw error
        }
        let side = parser.unescaped.withUnsafeBytes { UnsafeRawBufferPointer(start: JSONDocument.Storage.paddedCopy($0), count: $0.count) }
        return JSONDocument(
            storage: JSONDocument.Storage(text: UnsafeRawBufferPointer(start: text, count: data.count), side: side, nodes: parser.nodes.nodes))
    }

    /// `text` from `JSONDocument.Storage.paddedCopy`.
    private init(text: UnsafeMutableRawPointer, count: Int, nodes: JSONNodeBuffer) {
        self.text = UnsafePointer(text.assumingMemoryBound(to: UInt8.self))
        self.count = count
        self.nodes = nodes
    }

    private func failure(_ what: String, at offset: Int) -> Failure {
        Failure(what: what, offset: offset)
    }

    @inline(__always)
    private func skipWhitespace(_ from: Int) -> Int {
        var i = from
        // Bodies are mostly compact: one comparison when no whitespace comes.
        while text[i] <= 0x20 {
            switch text[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i &+= 1
            default: return i
            }
        }
        return i
    }

    @inline(__always)
    private mutating func append(_ kind: JSONDocument.Kind, payload: Int64 = 0) {
        nodes.append(JSONDocument.Node(payload: payload, kind: kind))
    }

    /// Every value of the text, in order.
    private mutating func run() throws {
        var i = 0
        var depth = 0
        var open = Open()
        value: while true {
            i = skipWhitespace(i)
            let c = text[i]
            switch c {
            case UInt8(ascii: "\""):
                i = try string(i &+ 1)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth &+= 1
                if depth > Self.maxDepth { throw failure("nesting deeper than \(Self.maxDepth)", at: i) }
                if open.node >= 0 { nodes[open.node].length = UInt32(truncatingIfNeeded: open.elements) }
                let isObject = c == UInt8(ascii: "{")
                let node = nodes.count
                append(isObject ? .object : .array, payload: Int64(open.node))
                open = Open(node: node, isObject: isObject, elements: 0)
                i = skipWhitespace(i &+ 1)
                if text[i] != (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    if isObject { i = try key(i) }
                    continue value
                }
                i &+= 1
                close(&open)
                depth &-= 1
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                i = try number(i)
            case UInt8(ascii: "t"):
                try literal(i, "true", 0x6575_7274)
                append(.true)
                i &+= 4
            case UInt8(ascii: "f"):
                try literal(i, "false", 0x65_736C_6166)
                append(.false)
                i &+= 5
            case UInt8(ascii: "n"):
                try literal(i, "null", 0x6C6C_756E)
                append(.null)
                i &+= 4
            default:
                throw failure(i < count ? "unexpected character" : "unexpected end of input", at: i)
            }
            // A value is complete: what follows it in its container.
            while open.node >= 0 {
                open.elements &+= 1
                i = skipWhitespace(i)
                let c = text[i]
                if c == UInt8(ascii: ",") {
                    i &+= 1
                    if open.isObject { i = try key(i) }
                    continue value
                }
                if c == (open.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    i &+= 1
                    close(&open)
                    depth &-= 1
                    continue
                }
                if i >= count { throw failure(open.isObject ? "unterminated object" : "unterminated array", at: i) }
                throw failure(open.isObject ? "expected ',' or '}'" : "expected ',' or ']'", at: i)
            }
            break
        }
        i = skipWhitespace(i)
        if i != count { throw failure("trailing characters after the value", at: i) }
    }

    /// Completes the container's node and makes its parent the open one.
    @inline(__always)
    private func close(_ open: inout Open) {
        let parent = Int(nodes[open.node].payload)
        nodes[open.node].length = UInt32(truncatingIfNeeded: open.elements)
        nodes[open.node].payload = Int64(nodes.count)
        open.node = parent
        if parent >= 0 {
            open.elements = Int(nodes[parent].length)
            open.isObject = nodes[parent].kind == .object
        }
    }

    /// An object's key and its colon, from `i`; returns the offset after the colon.
    @inline(__always)
    private mutating func key(_ from: Int) throws -> Int {
        var i = skipWhitespace(from)
        guard text[i] == UInt8(ascii: "\"") else { throw failure("expected a string key", at: i) }
        i = skipWhitespace(try string(i &+ 1))
        guard text[i] == UInt8(ascii: ":") else { throw failure("expected ':'", at: i) }
        return i &+ 1
    }

    /// `word` at `i`, its bytes `pattern` read as a little-endian integer (the padding makes the
    /// eight-byte read safe; a text ending inside the word has zeros there).
    @inline(__always)
    private func literal(_ i: Int, _ word: StaticString, _ pattern: UInt64) throws {
        let bits = word.utf8CodeUnitCount * 8
        let read = UInt64(littleEndian: UnsafeRawPointer(text).loadUnaligned(fromByteOffset: i, as: UInt64.self))
        guard read & ((1 &<< UInt64(bits)) &- 1) == pattern else { throw failure("invalid literal", at: i) }
    }

    /// From `start`, just after the opening quote: adds the string's node and returns the offset
    /// after the closing quote.
    @inline(__always)
    private mutating func string(_ start: Int) throws -> Int {
        var j = start
        // Sixteen bytes at a time, as two words, while none of them ends the plain run (a quote,
        // a backslash, a control character): strings are most of a page's bytes, and this is 2
        // instructions a byte where a byte loop takes 12 (one word a turn took 2.4). The
        // padding's zero ends the run at the end of the text.
        var wide: UInt64 = 0
        while true {
            let first = UnsafeRawPointer(text).loadUnaligned(fromByteOffset: j, as: UInt64.self)
            let second = UnsafeRawPointer(text).loadUnaligned(fromByteOffset: j &+ 8, as: UInt64.self)
            let (firstEnds, secondEnds) = (Self.plainRunEnds(first), Self.plainRunEnds(second))
            if firstEnds | secondEnds != 0 {
                // The lowest flagged byte is the first that ends the run (the tests' false
                // positives only ever sit above a true one); the bytes before it are plain.
                // The bytes from the end on count in the high-bit test too: a high bit there is
                // looked at again below (cheaper than masking them off in every string).
                if firstEnds != 0 {
                    j &+= firstEnds.trailingZeroBitCount &>> 3
                    wide |= first
                } else {
                    j &+= 8 &+ secondEnds.trailingZeroBitCount &>> 3
                    wide |= first | second
                }
                break
            }
            wide |= first | second
            j &+= 16
        }
        guard text[j] == UInt8(ascii: "\"") else { return try escapedString(start, at: j) }
        // No byte above 0x7F: ASCII, valid UTF-8 without looking further.
        if wide & 0x8080_8080_8080_8080 != 0 {
            let run = UnsafeRawBufferPointer(start: text + start, count: j &- start)
            if !Self.isASCII(run) { try validate(run, errorAt: { start + $0 }) }
        }
        nodes.append(
            JSONDocument.Node(offset: UInt32(truncatingIfNeeded: start), length: UInt32(truncatingIfNeeded: j &- start), kind: .string))
        return j &+ 1
    }

    /// Whether no byte of `bytes` is above 0x7F (a string whose scan saw one in or after it).
    @inline(never)
    private static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        !bytes.contains { $0 >= 0x80 }
    }

    /// Nonzero when a byte of `chunk` is a quote, a backslash or below 0x20: the high bit of
    /// each such byte is set (and maybe of bytes above one, never below: the classic "has a
    /// zero byte" and "has a byte less than n" tests, exact as to the first).
    @inline(__always)
    private static func plainRunEnds(_ chunk: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = chunk ^ (ones &* 0x22)
        let backslashes = chunk ^ (ones &* 0x5C)
        let hasQuote = (quotes &- ones) & ~quotes
        let hasBackslash = (backslashes &- ones) & ~backslashes
        let hasControl = (chunk &- ones &* 0x20) & ~chunk
        return (hasQuote | hasBackslash | hasControl) & highs
    }

    /// The string from `start` (after its opening quote), its plain run ending at `from` on a
    /// backslash, a control character or the end of the text: unescaped into the side buffer,
    /// then the whole validated. Returns the offset after the closing quote.
    @inline(never)
    private mutating func escapedString(_ start: Int, at from: Int) throws -> Int {
        var i = from
        let first = unescaped.count
        unescaped.append(contentsOf: UnsafeBufferPointer(start: text + start, count: i - start))
        while true {
            guard i < count else { throw failure("unterminated string", at: i) }
            let c = text[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                break
            }
            if c < 0x20 { throw failure("control character in string", at: i) }
            if c != UInt8(ascii: "\\") {
                unescaped.append(c)
                i += 1
                continue
            }
            guard i + 1 < count else { throw failure("unterminated string", at: i) }
            let e = text[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""): unescaped.append(0x22)
            case UInt8(ascii: "\\"): unescaped.append(0x5C)
            case UInt8(ascii: "/"): unescaped.append(0x2F)
            case UInt8(ascii: "b"): unescaped.append(0x08)
            case UInt8(ascii: "f"): unescaped.append(0x0C)
            case UInt8(ascii: "n"): unescaped.append(0x0A)
            case UInt8(ascii: "r"): unescaped.append(0x0D)
            case UInt8(ascii: "t"): unescaped.append(0x09)
            case UInt8(ascii: "u"): i = try unicodeEscape(i)
            default: throw failure("invalid escape in string", at: i - 2)
            }
        }
        // An offset in the unescaped text is not one in the body: name the string's start then.
        try unescaped.withUnsafeBytes { buffer in
            try validate(UnsafeRawBufferPointer(rebasing: buffer[first...]), errorAt: { _ in start })
        }
        nodes.append(
            JSONDocument.Node(
                offset: UInt32(truncatingIfNeeded: first), length: UInt32(truncatingIfNeeded: unescaped.count - first),
                kind: .string, escaped: true))
        return i
    }

    /// From `from`, after `\u`: appends the code point (a surrogate pair as one) as UTF-8 and
    /// returns the offset after the escape.
    private mutating func unicodeEscape(_ from: Int) throws -> Int {
        let escape = from - 2
        var i = from
        var scalar = try hex4(&i)
        if scalar >= 0xDC00 && scalar <= 0xDFFF { throw failure("lone low surrogate in unicode escape", at: escape) }
        if scalar >= 0xD800 && scalar <= 0xDBFF {
            guard count - i >= 6, text[i] == UInt8(ascii: "\\"), text[i + 1] == UInt8(ascii: "u") else {
                throw failure("high surrogate not followed by a low surrogate", at: escape)
            }
            i += 2
            let low = try hex4(&i)
            guard low >= 0xDC00 && low <= 0xDFFF else { throw failure("high surrogate not followed by a low surrogate", at: escape) }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let unicode = Unicode.Scalar(scalar) else { throw failure("invalid unicode escape", at: escape) }
        UTF8.encode(unicode) { unescaped.append($0) }
        return i
    }

    private func hex4(_ i: inout Int) throws -> UInt32 {
        guard count - i >= 4 else { throw failure("truncated unicode escape", at: i) }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = text[i + k]
            let h: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): h = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): h = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): h = c - UInt8(ascii: "A") + 10
            default: throw failure("invalid unicode escape", at: i)
            }
            v = v << 4 | UInt32(h)
        }
        i += 4
        return v
    }

    /// Refuses invalid UTF-8 (overlong forms, surrogates, truncated sequences); `errorAt` maps
    /// the offset of the first bad byte in `buffer` to the offset named in the error.
    private func validate(_ buffer: UnsafeRawBufferPointer, errorAt: (Int) -> Int) throws {
        if String(validating: buffer, as: UTF8.self) != nil { return }
        var parser = Unicode.UTF8.ForwardParser()  // only on the error path: find the bad byte
        var iterator = buffer.makeIterator()
        var offset = 0
        while case .valid(let scalar) = parser.parseScalar(from: &iterator) { offset += scalar.count }
        throw failure("invalid UTF-8 in a string", at: errorAt(offset))
    }

    /// From `start` (a minus or a digit): adds the number's node and returns the offset after it.
    /// The zero after the text is no digit, sign, point or exponent: no bounds checks.
    private mutating func number(_ start: Int) throws -> Int {
        var i = start
        var negative = false
        if text[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        guard isDigit(text[i]) else { throw failure("invalid number", at: i) }
        var magnitude: UInt64 = 0
        var overflow = false
        if text[i] == UInt8(ascii: "0") {
            i += 1
            if isDigit(text[i]) { throw failure("leading zero in number", at: i) }
        } else {
            while isDigit(text[i]) {
                let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (m2, o2) = m1.addingReportingOverflow(UInt64(text[i] - UInt8(ascii: "0")))
                overflow = overflow || o1 || o2
                magnitude = m2
                i += 1
            }
        }
        var integral = true
        if text[i] == UInt8(ascii: ".") {
            integral = false
            i += 1
            guard isDigit(text[i]) else { throw failure("invalid number", at: i) }
            while isDigit(text[i]) { i += 1 }
        }
        if text[i] == UInt8(ascii: "e") || text[i] == UInt8(ascii: "E") {
            integral = false
            i += 1
            if text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") { i += 1 }
            guard isDigit(text[i]) else { throw failure("invalid number", at: i) }
            while isDigit(text[i]) { i += 1 }
        }
        if integral {
            let limit: UInt64 = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
            guard !overflow, magnitude <= limit else { throw failure("integer out of range (beyond 64 bits)", at: start) }
            append(.integer, payload: negative ? Int64(bitPattern: 0 &- magnitude) : Int64(magnitude))
            return i
        }
        let number = String(decoding: UnsafeRawBufferPointer(start: text + start, count: i - start), as: UTF8.self)
        guard let d = Double(number), d.isFinite else { throw failure("number out of range", at: start) }
        append(.number, payload: Int64(bitPattern: d.bitPattern))
        return i
    }

    @inline(__always) private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
}
