import Foundation

/// The `q` filter of `GET /meetings`. An object is sent in Rails' nested form
/// (`{user = "a@b.c"}` -> `q[user]=a%40b.c`, `q[a][b]=`, `q[k][]=`); a string as `q=<string>`.
public enum MeetingQuery: Sendable, Hashable {
    case text(String)
    case object(JSONValue)

    /// The query string as it goes on the wire: brackets percent-encoded too (`q%5Buser%5D=`),
    /// which Rails reads as `q[user]=`. A URL with raw brackets is not valid RFC 3986, and
    /// Foundation's URL "repairs" one by encoding it again (`%40` becoming `%2540`).
    public var encodedQueryString: String {
        queryString.replacingOccurrences(of: "[", with: "%5B").replacingOccurrences(of: "]", with: "%5D")
    }

    /// The query string in the documented, readable form (`q[user]=a%40b.c`), without a
    /// leading `?`; keys sorted so that URLs are stable.
    public var queryString: String {
        var pairs: [String] = []
        switch self {
        case .text(let text):
            pairs.append("q=" + PercentEncoding.encode(text))
        case .object(let value):
            MeetingQuery.flatten(value, name: "q", into: &pairs)
        }
        return pairs.joined(separator: "&")
    }

    /// A table of query parameters in the same nested form, without the `q` around them
    /// (`{q = {user = "a@b.c"}, per = 5}` -> `per=5&q%5Buser%5D=a%40b.c`), encoded for the wire.
    public static func encodedParameters(_ fields: [String: JSONValue]) -> String {
        var pairs: [String] = []
        for key in fields.keys.sorted() {
            flatten(fields[key] ?? .null, name: PercentEncoding.encode(key), into: &pairs)
        }
        return pairs.joined(separator: "&").replacingOccurrences(of: "[", with: "%5B").replacingOccurrences(of: "]", with: "%5D")
    }

    private static func flatten(_ value: JSONValue, name: String, into pairs: inout [String]) {
        switch value {
        case .object(let object):
            if object.isEmpty { return }
            for key in object.keys.sorted() {
                // Keys are encoded but brackets are not: the documented form is `q[user]=`.
                flatten(object[key] ?? .null, name: "\(name)[\(PercentEncoding.encode(key))]", into: &pairs)
            }
        case .array(let items):
            if items.isEmpty {
                pairs.append("\(name)[]=")
                return
            }
            for item in items { flatten(item, name: "\(name)[]", into: &pairs) }
        case .null: pairs.append("\(name)=")
        case .bool(let b): pairs.append("\(name)=\(b)")
        case .integer(let i): pairs.append("\(name)=\(i)")
        case .number(let d):
            let text = d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
            pairs.append("\(name)=\(PercentEncoding.encode(text))")
        case .string(let s): pairs.append("\(name)=\(PercentEncoding.encode(s))")
        }
    }
}

/// RFC 3986 percent-encoding: everything but the unreserved characters is encoded.
public enum PercentEncoding {
    public static func encode(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0xF)])
            }
        }
        return out
    }
}
