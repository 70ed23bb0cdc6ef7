import CoClickAPI
import Foundation

/// JSON as the sandbox writes it: objects keep their key order, so that responses read like
/// the documentation's examples. Request bodies are parsed by the API core's `JSONParser` and
/// converted (keys then sorted). Not Codable structs: Foundation's `JSONEncoder` on Linux
/// writes an object's keys in no fixed order (only `.sortedKeys` fixes one, the alphabet's),
/// and the free-form `custom_data` and cookies need a value type anyway.
indirect enum SandboxJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([SandboxJSON])
    case object([(String, SandboxJSON)])

    static func == (lhs: SandboxJSON, rhs: SandboxJSON) -> Bool {
        lhs.serialized() == rhs.serialized()
    }

    subscript(key: String) -> SandboxJSON? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first(where: { $0.0 == key })?.1
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    func serialized() -> String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .integer(let value): out += String(value)
        case .number(let value):
            if value.isFinite {
                if value == value.rounded(), abs(value) < 1e15 { out += String(Int64(value)) } else { out += "\(value)" }
            } else {
                out += "null"
            }
        case .string(let text): Self.writeString(text, to: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let pairs):
            out += "{"
            for (index, (key, value)) in pairs.enumerated() {
                if index > 0 { out += "," }
                Self.writeString(key, to: &out)
                out += ":"
                value.write(to: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

extension SandboxJSON {
    /// Parses a request body with the API core's parser (`JSONValue.parse`: strict, linear,
    /// depth bounded; integers kept as integers); object keys sorted. Nil when it is not JSON.
    static func parse(_ bytes: [UInt8]) -> SandboxJSON? {
        (try? JSONValue.parse(Data(bytes))).map(SandboxJSON.init)
    }

    init(_ value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .integer(let value): self = .integer(value)
        case .number(let value): self = .number(value)
        case .string(let text): self = .string(text)
        case .array(let items): self = .array(items.map(SandboxJSON.init))
        case .object(let fields): self = .object(fields.sorted { $0.key < $1.key }.map { ($0.key, SandboxJSON($0.value)) })
        }
    }
}
