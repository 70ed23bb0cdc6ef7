import Foundation

/// A date as the API sent it: the instant, and the original text (with its offset and
/// precision), so that a script sees exactly what CoClick returned.
public struct APIDate: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    public let date: Date
    /// The UTC offset written in the text, in seconds (0 for `Z`).
    public let offsetSeconds: Int

    /// Parses ISO 8601 / RFC 3339: `2021-10-30T14:29:33.000+02:00`, with or without fractional
    /// seconds, with `Z`, `+02:00`, `+0200` or `+02`. Nil when the text is not such a date.
    public init?(_ text: String) {
        guard let parsed = ISO8601Parser.parse(text) else { return nil }
        self.text = text
        self.date = parsed.date
        self.offsetSeconds = parsed.offset
    }

    /// A date formatted as the API writes them: milliseconds and an offset (`Z` when zero).
    public init(date: Date, offsetSeconds: Int = 0) {
        self.date = date
        self.offsetSeconds = offsetSeconds
        self.text = APIDate.format(date, offsetSeconds: offsetSeconds)
    }

    public var description: String { text }

    public static func format(_ date: Date, offsetSeconds: Int = 0) -> String {
        let totalMillis = (date.timeIntervalSince1970 * 1000).rounded()
        let localMillis = Int64(totalMillis) + Int64(offsetSeconds) * 1000
        let millis = Int(((localMillis % 1000) + 1000) % 1000)
        let seconds = (localMillis - Int64(millis)) / 1000
        let days = Int(floorDiv(seconds, 86_400))
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let (y, m, d) = ISO8601Parser.civil(fromDays: days)
        var out = String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03d", y, m, d,
                         secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60, millis)
        if offsetSeconds == 0 {
            out += "Z"
        } else {
            let sign = offsetSeconds < 0 ? "-" : "+"
            let a = abs(offsetSeconds)
            out += sign + String(format: "%02d:%02d", a / 3600, a / 60 % 60)
        }
        return out
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}

/// A strict, allocation-light ISO 8601 parser (Foundation's formatters are slow and differ
/// across platforms on fractional seconds and offsets without a colon).
enum ISO8601Parser {
    static func parse(_ text: String) -> (date: Date, offset: Int)? {
        let b = Array(text.utf8)
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in i..<(i + n) {
                let c = b[k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2), expect(UInt8(ascii: "-")),
              let day = digits(2) else { return nil }
        guard i < b.count, b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == UInt8(ascii: " ") else { return nil }
        i += 1
        guard let hour = digits(2), expect(UInt8(ascii: ":")), let minute = digits(2), expect(UInt8(ascii: ":")),
              let second = digits(2) else { return nil }
        var fraction = 0.0
        if i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
            i += 1
            var scale = 0.1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                fraction += Double(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }  // an offset is required: a date without one is ambiguous
        var offset = 0
        switch b[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let negative = b[i] == UInt8(ascii: "-")
            i += 1
            guard let oh = digits(2) else { return nil }
            var om = 0
            if i < b.count {
                _ = expect(UInt8(ascii: ":"))
                guard let m = digits(2) else { return nil }
                om = m
            }
            guard oh <= 23, om <= 59 else { return nil }
            offset = (oh * 3600 + om * 60) * (negative ? -1 : 1)
        default:
            return nil
        }
        guard i == b.count else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year, month),
              hour <= 23, minute <= 59, second <= 60 else { return nil }
        let days = daysFromCivil(year, month, day)
        let seconds = Double(days) * 86_400 + Double(hour * 3600 + minute * 60 + second) - Double(offset) + fraction
        return (Date(timeIntervalSince1970: seconds), offset)
    }

    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
