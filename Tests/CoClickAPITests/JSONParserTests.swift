import CoClickAPI
import CoClickSandbox
import CoClickSandboxTesting
import Foundation
import Testing

/// The client's one JSON path (`JSONValue.parse`, `JSONParser`): kinds kept, strict text,
/// bounded depth, and errors that say what and where.
@Suite("JSON parser")
struct JSONParserTests {
    func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Data(text.utf8)) }

    func failure(_ bytes: [UInt8]) -> String? {
        do {
            _ = try JSONValue.parse(Data(bytes))
            return nil
        } catch {
            return (error as? CoClickError)?.message ?? "\(error)"
        }
    }

    func failure(_ text: String) -> String? { failure(Array(text.utf8)) }

    @Test func numbersKeepTheirKind() throws {
        #expect(
            try parse("[0, -0, 17, 9223372036854775807, -9223372036854775808, 1.0, 1e3, -2.5E-3, 0.1]")
                == .array([
                    .integer(0), .integer(0), .integer(17), .integer(.max), .integer(.min),
                    .number(1.0), .number(1000), .number(-0.0025), .number(0.1),
                ]))
        // Beyond 64 bits an integer is refused, not silently made a float that lost its digits.
        #expect(failure("[1, 9223372036854775808]") == "response is not valid JSON: integer out of range (beyond 64 bits) at byte 5")
        #expect(failure("-9223372036854775809") == "response is not valid JSON: integer out of range (beyond 64 bits) at byte 1")
        #expect(failure("123456789012345678901234567890") == "response is not valid JSON: integer out of range (beyond 64 bits) at byte 1")
        #expect(failure("{\"x\": 1e400}") == "response is not valid JSON: number out of range at byte 7")
    }

    @Test func valuesAndEscapes() throws {
        let value = try parse(#"{"a": [true, false, null, {}], "s": "\"\\\/\b\f\n\r\t \u00e9 \ud83d\ude00 café", "": ""}"#)
        #expect(
            value
                == .object([
                    "a": .array([.bool(true), .bool(false), .null, .object([:])]),
                    "s": .string("\"\\/\u{8}\u{c}\n\r\t é 😀 café"),
                    "": .string(""),
                ]))
        #expect(try parse("  \"\\u0000x\"\n") == .string("\u{0}x"))
    }

    /// The document (the parse without a tree) holds what the tree holds: `value(at:)` of every
    /// element is the element, strings escaped or not, containers skipped whole.
    @Test func documentNodesMatchTheTree() throws {
        let text = #"[{"a": [1, {"b": "x\ny"}], "c": "é"}, [], {}, "\u00e9", -2.5, 3, null, true, false, [[[]]]]"#
        let document = try JSONDocument.parse(Data(text.utf8))
        guard case .array(let values) = try parse(text) else {
            Issue.record("not an array")
            return
        }
        let items = document.elements(of: JSONDocument.root)
        #expect(items.count == values.count)
        for (item, value) in zip(items, values) { #expect(document.value(at: item) == value) }
        #expect(document.typeName(items[0]) == "object" && document.typeName(items[4]) == "number")
        // Each container's count is its own, whatever it holds (the parser keeps an outer one's
        // count in its node while an inner one is open).
        document.withReader { reader in
            for index in reader.nodes.indices where reader.nodes[index].kind == .array || reader.nodes[index].kind == .object {
                switch document.value(at: index) {
                case .array(let items): #expect(Int(reader.nodes[index].length) == items.count, "node \(index)")
                case .object(let fields): #expect(Int(reader.nodes[index].length) == fields.count, "node \(index)")
                default: Issue.record("node \(index) is no container")
                }
            }
        }
    }

    /// The nodes' room grows as a body needs (a node per 16 bytes is made up front; here one
    /// per two), every node kept.
    @Test func manySmallValuesAreAllKept() throws {
        let count = 100_000
        let text = "[" + (0..<count).map { String($0 % 10) }.joined(separator: ",") + "]"
        let document = try JSONDocument.parse(Data(text.utf8))
        let items = document.elements(of: JSONDocument.root)
        #expect(items.count == count)
        #expect(items.enumerated().allSatisfy { document.value(at: $1) == .integer(Int64($0 % 10)) })
    }

    /// The text ends where its bytes do: read past, the parser sees a zero byte, which it must
    /// not take for a character of the text. A text cut anywhere (inside a string, a literal, a
    /// number, between tokens) is refused as cut; the same text with a NUL byte where the end
    /// was is refused for that byte.
    @Test func theEndOfTheTextIsNoZeroByte() {
        let cases: [(String, String, String)] = [
            ("", "unexpected end of input at byte 1", "unexpected character at byte 1"),
            ("[", "unexpected end of input at byte 2", "unexpected character at byte 2"),
            ("[1", "unterminated array at byte 3", "expected ',' or ']' at byte 3"),
            ("[1,", "unexpected end of input at byte 4", "unexpected character at byte 4"),
            ("{", "expected a string key at byte 2", "expected a string key at byte 2"),
            (#"{"a""#, "expected ':' at byte 5", "expected ':' at byte 5"),
            (#"{"a":"#, "unexpected end of input at byte 6", "unexpected character at byte 6"),
            (#"{"a":1"#, "unterminated object at byte 7", "expected ',' or '}' at byte 7"),
            ("t", "invalid literal at byte 1", "invalid literal at byte 1"),
            ("tru", "invalid literal at byte 1", "invalid literal at byte 1"),
            ("[fals", "invalid literal at byte 2", "invalid literal at byte 2"),
            ("nul", "invalid literal at byte 1", "invalid literal at byte 1"),
            ("-", "invalid number at byte 2", "invalid number at byte 2"),
            ("1.", "invalid number at byte 3", "invalid number at byte 3"),
            ("1e+", "invalid number at byte 4", "invalid number at byte 4"),
            ("[12", "unterminated array at byte 4", "expected ',' or ']' at byte 4"),
            (#""\"#, "unterminated string at byte 2", "invalid escape in string at byte 2"),
            (#""\u00"#, "truncated unicode escape at byte 4", "truncated unicode escape at byte 4"),
        ]
        for (text, cut, nul) in cases {
            #expect(failure(text) == "response is not valid JSON: " + cut, "\(text)")
            #expect(failure(Array(text.utf8) + [0]) == "response is not valid JSON: " + nul, "\(text) NUL")
        }
        // A string cut at each offset of its sixteen-byte chunks, and one with a NUL byte there.
        for length in 0..<40 {
            let open = "[\"" + String(repeating: "a", count: length)
            #expect(failure(open) == "response is not valid JSON: unterminated string at byte \(length + 3)")
            #expect(failure(Array(open.utf8) + [0]) == "response is not valid JSON: control character in string at byte \(length + 3)")
            #expect(failure(Array(open.utf8) + [0, 0x22, 0x5D]) == "response is not valid JSON: control character in string at byte \(length + 3)")
        }
    }

    @Test func refusesInvalidTextNamingTheByte() {
        let cases: [([UInt8], String)] = [
            (Array(#"{"a": 1,}"#.utf8), "expected a string key at byte 9"),
            (Array("[1, 2".utf8), "unterminated array at byte 6"),
            (Array("tru".utf8), "invalid literal at byte 1"),
            (Array("01".utf8), "leading zero in number at byte 2"),
            (Array("[1] x".utf8), "trailing characters after the value at byte 5"),
            (Array("".utf8), "unexpected end of input at byte 1"),
            (Array(#""\ud800""#.utf8), "high surrogate not followed by a low surrogate at byte 2"),
            (Array(#""\udc00""#.utf8), "lone low surrogate in unicode escape at byte 2"),
            (Array(#""\x""#.utf8), "invalid escape in string at byte 2"),
            (Array("\"a\u{1}\"".utf8), "control character in string at byte 3"),
            ([0x22, 0x61, 0xFF, 0x22], "invalid UTF-8 in a string at byte 3"),
            ([0x5B, 0x22, 0xC0, 0xAF, 0x22, 0x5D], "invalid UTF-8 in a string at byte 3"),  // overlong '/'
            ([0x22, 0xED, 0xA0, 0x80, 0x22], "invalid UTF-8 in a string at byte 2"),  // a surrogate
            ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], "invalid UTF-8 in a string at byte 2"),  // above U+10FFFF
            ([0x22, 0x5C, 0x6E, 0xE2, 0x82, 0x22], "invalid UTF-8 in a string at byte 2"),  // after an escape: the string
            (Array("<html><body>502</body></html>".utf8), "unexpected character at byte 1"),
        ]
        for (bytes, message) in cases {
            #expect(failure(bytes) == "response is not valid JSON: " + message, "\(String(decoding: bytes, as: UTF8.self))")
        }
    }

    /// Strings are scanned sixteen bytes at a time: a quote, an escape, a control character or a
    /// non-ASCII byte at any offset of a chunk (and a string ending short of one) is seen where it is.
    @Test func stringsAreReadWhateverTheirBytesPositionInAChunk() throws {
        for offset in 0..<40 {
            let plain = String(repeating: "a", count: offset)
            let rest = String(repeating: "b", count: 39 - offset)
            #expect(try parse("[\"" + plain + "\", 1]") == .array([.string(plain), .integer(1)]))
            #expect(try parse("\"" + plain + #"\""# + rest + "\"") == .string(plain + "\"" + rest))
            #expect(try parse("\"" + plain + #"\u00e9"# + rest + "\"") == .string(plain + "é" + rest))
            #expect(try parse("\"" + plain + "é" + rest + "\"") == .string(plain + "é" + rest))
            #expect(try parse("\"" + plain + "\u{7f}" + rest + "\"") == .string(plain + "\u{7f}" + rest))
            let control = Array(("\"" + plain).utf8) + [0x1F] + Array((rest + "\"").utf8)
            #expect(failure(control) == "response is not valid JSON: control character in string at byte \(offset + 2)")
            let invalid = Array(("\"" + plain).utf8) + [0xC3] + Array((rest + "\"").utf8)
            #expect(failure(invalid) == "response is not valid JSON: invalid UTF-8 in a string at byte \(offset + 2)")
            // A byte above 0x7F just after the string, in the chunk that ends it, is no part of it.
            #expect(
                failure(Array(("[\"" + plain + "\"]").utf8) + [0xFF])
                    == "response is not valid JSON: trailing characters after the value at byte \(offset + 5)")
            #expect(try parse("[\"" + plain + "\",\"é\"]") == .array([.string(plain), .string("é")]))
            #expect(failure("\"" + plain) == "response is not valid JSON: unterminated string at byte \(offset + 2)")
        }
    }

    /// A byte above 0x7F anywhere in a string of any length up to three turns of the scan (so
    /// in either word of the turn that ends the string, or of one before) is validated.
    @Test func nonASCIIBytesAreValidatedWhereverTheStringEnds() throws {
        for length in 1..<48 {
            for position in 0..<length {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                bytes[position] = 0xC3  // a lead byte without its continuation: invalid
                #expect(
                    failure([0x22] + bytes + [0x22]) == "response is not valid JSON: invalid UTF-8 in a string at byte \(position + 2)",
                    "length \(length), at \(position)")
                bytes[position] = 0xC3
                bytes.insert(0xA9, at: position + 1)  // é
                #expect(try JSONValue.parse(Data([0x22] + bytes + [0x22])) == .string(String(decoding: bytes, as: UTF8.self)))
            }
        }
    }

    /// Random strings, seeded: raw bytes between quotes are accepted exactly when they hold no
    /// quote, backslash or control byte and are valid UTF-8, and come back unchanged; escaped
    /// by Foundation's encoder, any text comes back unchanged (the eight-byte scan against a
    /// byte-by-byte reading of the rules).
    @Test func randomStringsAgreeWithTheRules() throws {
        var random = SplitMix64(seed: 0x00C0_C11C)
        let pieces: [[UInt8]] = [
            Array("a".utf8), Array("Zz09 ~".utf8), [0x22], [0x5C], [0x0A], [0x1F], [0x7F], Array("é".utf8),
            Array("€".utf8), Array("😀".utf8), [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF8], Array("\\u00e9".utf8),
        ]
        for _ in 0..<3000 {
            var raw: [UInt8] = []
            for _ in 0..<Int(random.next() % 24) { raw += pieces[Int(random.next() % UInt64(pieces.count))] }
            let plain = !raw.contains { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 }
            let text = String(validating: raw, as: UTF8.self)
            let direct = try? JSONValue.parse(Data([0x22] + raw + [0x22]))
            if plain, let text {
                #expect(direct == .string(text), "\(raw)")
            } else if plain {
                #expect(direct == nil, "accepted invalid UTF-8: \(raw)")
            } else if !raw.contains(0x22), !raw.contains(0x5C) {
                #expect(direct == nil, "accepted a control byte: \(raw)")
            }
            guard let text else { continue }
            let encoded = try JSONEncoder().encode([text])
            #expect(try JSONValue.parse(encoded) == .array([.string(text)]), "\(raw)")
        }
    }

    /// Depth is bounded with a clear error; below the bound, deep bodies decode, in one pass
    /// (Foundation's decoder took 22 s over ten 480-deep objects; the README gives the figures).
    @Test func depthIsBoundedAndDeepBodiesDecode() throws {
        let deep = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        var value = try parse(deep)
        var levels = 0
        while case .array(let items) = value {
            levels += 1
            guard let first = items.first else { break }
            value = first
        }
        #expect(levels == 512)
        #expect(failure("[" + deep + "]") == "response is not valid JSON: nesting deeper than 512 at byte 513")

        let object = String(repeating: #"{"a":"#, count: 480) + "1" + String(repeating: "}", count: 480)
        let ten = try parse("[" + Array(repeating: object, count: 10).joined(separator: ",") + "]")
        guard case .array(let items) = ten else {
            Issue.record("not an array")
            return
        }
        #expect(items.count == 10)
        var inner = items[9]
        for _ in 0..<480 { inner = inner["a"] ?? .null }
        #expect(inner == .integer(1))
    }

    /// Through the client: a meeting whose custom_data is deep and holds every kind comes back
    /// from the sandbox as it was sent.
    @Test func customDataComesBackWithKindsAndDepth() async throws {
        try await withSandbox { server in
            try await TestClient(server).run { client in
                let user = try #require(try await client.listMeetings(per: 1).items.first?.user)
                var nested: JSONValue = .object(["max": .integer(.max), "min": .integer(.min), "half": .number(0.5), "s": .string("é😀")])
                for _ in 0..<100 { nested = .object(["n": nested]) }
                let custom: JSONValue = .object(["deep": nested, "list": .array([.integer(1), .number(2.5), .null, .bool(true)])])
                let created = try await client.createMeeting(
                    NewMeeting(
                        user: user, startsAt: "2031-10-30T14:29:33.000+02:00", cobrowsingURL: "https://shop.example.com/",
                        customData: custom))
                #expect(created.customData == custom)
                #expect(try await client.meeting(id: created.id).customData == custom)
            }
        }
    }
}
