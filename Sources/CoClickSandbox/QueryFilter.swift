/// The `q` filter of `GET /meetings`, read from a query string in Rails' nested form.
///
/// `q[user]=a%40b.c` and `q[status]=closed` filter on those fields (repeat a key, or use
/// `q[status][]=`, to accept several values; ransack-style `q[user_eq]`, `q[status_in][]` are
/// read the same way). Users compare case-insensitively, statuses exactly. A plain `q=text`
/// keeps meetings whose user contains the text or whose status is the text. Other keys are ignored.
struct QueryFilter: Sendable, Equatable {
    var users: [String] = []
    var statuses: [String] = []
    var text: String?

    init(query: String?) {
        guard let query else { return }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            if key == "q" {
                text = value
                continue
            }
            guard key.hasPrefix("q["), let close = key.firstIndex(of: "]") else { continue }
            var name = String(key[key.index(key.startIndex, offsetBy: 2)..<close])
            for suffix in ["_eq", "_in"] where name.hasSuffix(suffix) {
                name.removeLast(suffix.count)
            }
            switch name {
            case "user", "user_email": users.append(value.lowercased())
            case "status": statuses.append(value)
            default: continue
            }
        }
    }

    /// Whether the meetings of `user` with `status` pass (the filter looks at nothing else).
    func matches(user: String, status: String) -> Bool {
        if !users.isEmpty && !users.contains(user.lowercased()) { return false }
        if !statuses.isEmpty && !statuses.contains(status) { return false }
        if let text, !text.isEmpty {
            return user.lowercased().contains(text.lowercased()) || status == text
        }
        return true
    }

    /// Percent-decoding with `+` as a space, as in HTML forms; invalid escapes are kept as written.
    static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let high = hexValue(iterator[iterator.startIndex]),
                let low = hexValue(iterator[iterator.startIndex + 1])
            {
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
