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
        // An instant needs a time and an offset: a date without one is ambiguous.
        guard let parts = ISO8601Components(text), parts.hasTime, let offset = parts.offset,
            let seconds = parts.epochSeconds
        else { return nil }
        self.text = text
        self.date = Date(timeIntervalSince1970: seconds)
        self.offsetSeconds = offset
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
        let (y, m, d) = CivilCalendar.date(fromDays: days)
        var out = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03d", y, m, d,
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
