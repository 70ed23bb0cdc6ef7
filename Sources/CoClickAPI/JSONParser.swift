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
struct JSONParser {
    /// Deeper than any body the API sends, and as deep as Foundation's decoder allowed.
    static let maxDepth = 512

    struct Failure: Error, CustomStringConvertible {
        var what: String
        var offset: Int
        var description: String { "\(what) at byte \(offset + 1)" }
    }

    private let bytes: UnsafeRawBufferPointer
    private var i = 0
    private var depth = 0
    private var document: JSONDocument

    /// Throws a `Failure`.
    static func parse(_ data: Data) throws -> JSONValue {
        try document(data).value(at: JSONDocument.root)
    }

    /// The whole text as a `JSONDocument`; throws a `Failure`.
    static func document(_ data: Data) throws -> JSONDocument {
        // Node offsets are 32-bit; bodies are capped far below (32 MiB).
        guard data.count < Int(UInt32.max) else { throw Failure(what: "text too large", offset: 0) }
        return try data.withUnsafeBytes { raw in
            var parser = JSONParser(bytes: raw, document: JSONDocument(bytes: data))
            // About a node per 16 bytes of a page; not more up front for a large hostile body.
            parser.document.nodes.reserveCapacity(min(raw.count / 16, 65_536))
            try parser.value()
            parser.skipWhitespace()
            if parser.i != raw.count { throw parser.failure("trailing characters after the value") }
            return parser.document
        }
    }

    private init(bytes: UnsafeRawBufferPointer, document: JSONDocument) {
        self.bytes = bytes
        self.document = document
    }

    private func failure(_ what: String, at offset: Int? = nil) -> Failure {
        Failure(what: what, offset: offset ?? i)
    }

    private mutating func skipWhitespace() {
        var j = i  // a local index: the hot loops keep it in a register
        while j < bytes.count {
            switch bytes[j] {
            case 0x20, 0x0A, 0x0D, 0x09: j += 1
            default:
                i = j
                return
            }
        }
        i = j
    }

    private mutating func append(_ kind: JSONDocument.Kind, payload: Int64 = 0) {
        document.nodes.append(JSONDocument.Node(payload: payload, kind: kind))
    }

    private mutating func value() throws {
        skipWhitespace()
        guard i < bytes.count else { throw failure("unexpected end of input") }
        switch bytes[i] {
        case UInt8(ascii: "{"): try object()
        case UInt8(ascii: "["): try array()
        case UInt8(ascii: "\""):
            i += 1
            try string()
        case UInt8(ascii: "t"):
            try literal("true")
            append(.true)
        case UInt8(ascii: "f"):
            try literal("false")
            append(.false)
        case UInt8(ascii: "n"):
            try literal("null")
            append(.null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        default: throw failure("unexpected character")
        }
    }

    /// Opens a container: its node, completed by `close` once its elements are in.
    private mutating func open(_ kind: JSONDocument.Kind) throws -> Int {
        depth += 1
        if depth > Self.maxDepth { throw failure("nesting deeper than \(Self.maxDepth)") }
        i += 1
        append(kind)
        return document.nodes.count - 1
    }

    private mutating func close(_ index: Int, count: Int) {
        depth -= 1
        document.nodes[index].length = UInt32(truncatingIfNeeded: count)
        document.nodes[index].payload = Int64(document.nodes.count)
    }

    private mutating func object() throws {
        let node = try open(.object)
        var count = 0
        skipWhitespace()
        if i < bytes.count && bytes[i] == UInt8(ascii: "}") {
            i += 1
            close(node, count: 0)
            return
        }
        while true {
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw failure("expected a string key") }
            i += 1
            try string()
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw failure("expected ':'") }
            i += 1
            try value()
            count += 1
            skipWhitespace()
            guard i < bytes.count else { throw failure("unterminated object") }
            let c = bytes[i]
            i += 1
            if c == UInt8(ascii: "}") { break }
            if c != UInt8(ascii: ",") { throw failure("expected ',' or '}'", at: i - 1) }
        }
        close(node, count: count)
    }

    private mutating func array() throws {
        let node = try open(.array)
        var count = 0
        skipWhitespace()
        if i < bytes.count && bytes[i] == UInt8(ascii: "]") {
            i += 1
            close(node, count: 0)
            return
        }
        while true {
            try value()
            count += 1
            skipWhitespace()
            guard i < bytes.count else { throw failure("unterminated array") }
            let c = bytes[i]
            i += 1
            if c == UInt8(ascii: "]") { break }
            if c != UInt8(ascii: ",") { throw failure("expected ',' or ']'", at: i - 1) }
        }
        close(node, count: count)
    }

    private mutating func literal(_ word: StaticString) throws {
        let expected = UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard bytes.count - i >= expected.count else { throw failure("invalid literal") }
        for k in 0..<expected.count where bytes[i + k] != expected[k] { throw failure("invalid literal") }
        i += expected.count
    }

    /// `i` just after the opening quote; leaves it after the closing one, the string's node added.
    private mutating func string() throws {
        let start = i
        var high: UInt8 = 0
        var j = i
        // Eight bytes at a time while none of them ends the plain run (a quote, a backslash, a
        // control character): strings are most of a page's bytes, and this is 2 instructions a
        // byte where the loop below takes 12.
        var wide: UInt64 = 0
        while bytes.count - j >= 8 {
            let chunk = bytes.loadUnaligned(fromByteOffset: j, as: UInt64.self)
            let ends = Self.plainRunEnds(chunk)
            guard ends == 0 else {
                // The lowest flagged byte is the first that ends the run (the tests' false
                // positives only ever sit above a true one); the bytes before it are plain.
                let plain = ends.trailingZeroBitCount / 8
                wide |= chunk & ((1 &<< (UInt64(plain) &* 8)) &- 1)
                j += plain
                break
            }
            wide |= chunk
            j += 8
        }
        if wide & 0x8080_8080_8080_8080 != 0 { high = 0x80 }
        while j < bytes.count {
            let c = bytes[j]
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 { break }
            high |= c
            j += 1
        }
        i = j
        guard i < bytes.count else { throw failure("unterminated string") }
        if bytes[i] == UInt8(ascii: "\"") {
            if high >= 0x80 { try validate(UnsafeRawBufferPointer(rebasing: bytes[start..<i]), errorAt: { start + $0 }) }
            document.nodes.append(
                JSONDocument.Node(offset: UInt32(truncatingIfNeeded: start), length: UInt32(truncatingIfNeeded: i - start), kind: .string))
            i += 1
            return
        }
        // Escapes: unescaped into the side buffer, then the whole validated.
        let from = document.unescaped.count
        document.unescaped.append(contentsOf: bytes[start..<i])
        while true {
            guard i < bytes.count else { throw failure("unterminated string") }
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                break
            }
            if c < 0x20 { throw failure("control character in string") }
            if c != UInt8(ascii: "\\") {
                document.unescaped.append(c)
                i += 1
                continue
            }
            guard i + 1 < bytes.count else { throw failure("unterminated string") }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""): document.unescaped.append(0x22)
            case UInt8(ascii: "\\"): document.unescaped.append(0x5C)
            case UInt8(ascii: "/"): document.unescaped.append(0x2F)
            case UInt8(ascii: "b"): document.unescaped.append(0x08)
            case UInt8(ascii: "f"): document.unescaped.append(0x0C)
            case UInt8(ascii: "n"): document.unescaped.append(0x0A)
            case UInt8(ascii: "r"): document.unescaped.append(0x0D)
            case UInt8(ascii: "t"): document.unescaped.append(0x09)
            case UInt8(ascii: "u"): try unicodeEscape()
            default: throw failure("invalid escape in string", at: i - 2)
            }
        }
        // An offset in the unescaped text is not one in the body: name the string's start then.
        try document.unescaped.withUnsafeBytes { buffer in
            try validate(UnsafeRawBufferPointer(rebasing: buffer[from...]), errorAt: { _ in start })
        }
        document.nodes.append(
            JSONDocument.Node(
                offset: UInt32(truncatingIfNeeded: from), length: UInt32(truncatingIfNeeded: document.unescaped.count - from),
                kind: .string, escaped: true))
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

    /// `i` after `\u`: appends the code point (a surrogate pair as one) as UTF-8.
    private mutating func unicodeEscape() throws {
        let escape = i - 2
        var scalar = try hex4()
        if scalar >= 0xDC00 && scalar <= 0xDFFF { throw failure("lone low surrogate in unicode escape", at: escape) }
        if scalar >= 0xD800 && scalar <= 0xDBFF {
            guard bytes.count - i >= 6, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                throw failure("high surrogate not followed by a low surrogate", at: escape)
            }
            i += 2
            let low = try hex4()
            guard low >= 0xDC00 && low <= 0xDFFF else { throw failure("high surrogate not followed by a low surrogate", at: escape) }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let unicode = Unicode.Scalar(scalar) else { throw failure("invalid unicode escape", at: escape) }
        UTF8.encode(unicode) { document.unescaped.append($0) }
    }

    private mutating func hex4() throws -> UInt32 {
        guard bytes.count - i >= 4 else { throw failure("truncated unicode escape") }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = bytes[i + k]
            let h: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): h = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): h = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): h = c - UInt8(ascii: "A") + 10
            default: throw failure("invalid unicode escape")
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

    private mutating func number() throws {
        let start = i
        var negative = false
        if bytes[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        guard i < bytes.count, isDigit(bytes[i]) else { throw failure("invalid number") }
        var magnitude: UInt64 = 0
        var overflow = false
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if i < bytes.count && isDigit(bytes[i]) { throw failure("leading zero in number") }
        } else {
            while i < bytes.count && isDigit(bytes[i]) {
                let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (m2, o2) = m1.addingReportingOverflow(UInt64(bytes[i] - UInt8(ascii: "0")))
                overflow = overflow || o1 || o2
                magnitude = m2
                i += 1
            }
        }
        var integral = true
        if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
            integral = false
            i += 1
            guard i < bytes.count, isDigit(bytes[i]) else { throw failure("invalid number") }
            while i < bytes.count && isDigit(bytes[i]) { i += 1 }
        }
        if i < bytes.count && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            integral = false
            i += 1
            if i < bytes.count && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
            guard i < bytes.count, isDigit(bytes[i]) else { throw failure("invalid number") }
            while i < bytes.count && isDigit(bytes[i]) { i += 1 }
        }
        if integral {
            let limit: UInt64 = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
            guard !overflow, magnitude <= limit else { throw failure("integer out of range (beyond 64 bits)", at: start) }
            append(.integer, payload: negative ? Int64(bitPattern: 0 &- magnitude) : Int64(magnitude))
            return
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        guard let d = Double(text), d.isFinite else { throw failure("number out of range", at: start) }
        append(.number, payload: Int64(bitPattern: d.bitPattern))
    }

    @inline(__always) private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
}
