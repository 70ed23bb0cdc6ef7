import CoClickAPI

/// The sandbox's dates as Rails writes them: `2021-10-30T14:29:33.000+00:00` (milliseconds, an
/// offset). The calendar and the parser are the API core's (`CivilCalendar`,
/// `ISO8601Components`): one of each in the package. The sandbox imports CoClickAPI for them
/// rather than a small target of their own: everything that links the sandbox (the binary, the
/// bench, the tests) links the API core already, and its public types stay where they are.
enum ISODate {
    static let secondsPerDay: Int64 = 86_400

    /// Formats epoch milliseconds in UTC with a `+00:00` offset.
    static func format(milliseconds: Int64) -> String {
        let days = floorDiv(milliseconds, secondsPerDay * 1000)
        let inDay = milliseconds - days * secondsPerDay * 1000
        let (year, month, day) = CivilCalendar.date(fromDays: Int(days))
        let hours = inDay / 3_600_000
        let minutes = inDay / 60_000 % 60
        let seconds = inDay / 1000 % 60
        let millis = inDay % 1000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hours, 2)):\(pad(minutes, 2)):\(pad(seconds, 2)).\(pad(millis, 3))+00:00"
    }

    /// Epoch milliseconds of an ISO 8601 date (`ISO8601Components`: a date alone is midnight,
    /// a time without an offset is UTC; fractions beyond milliseconds are dropped), or nil.
    static func parse(_ text: String) -> Int64? {
        guard let parts = ISO8601Components(text) else { return nil }
        let days = Int64(CivilCalendar.daysFromCivil(parts.year, parts.month, parts.day))
        let seconds = days * secondsPerDay + Int64(parts.hour * 3600 + parts.minute * 60 + parts.second - (parts.offset ?? 0))
        // The fraction was summed from its digits as a Double: a hair below 0.123 is 123 ms.
        let millis = Int64((parts.fraction * 1000 + 1e-6).rounded(.down))
        return seconds * 1000 + millis
    }

    private static func pad<Number: BinaryInteger>(_ value: Number, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
