/// ISO 8601 dates as Rails writes them: `2021-10-30T14:29:33.000+00:00` (milliseconds and an offset).
/// Integer civil-calendar arithmetic (Howard Hinnant's algorithms): no formatter, no locale, no lock.
enum ISODate {
    static let secondsPerDay: Int64 = 86_400

    /// Formats epoch milliseconds in UTC with a `+00:00` offset.
    static func format(milliseconds: Int64) -> String {
        let days = floorDiv(milliseconds, secondsPerDay * 1000)
        let inDay = milliseconds - days * secondsPerDay * 1000
        let (year, month, day) = civil(fromDays: days)
        let hours = inDay / 3_600_000
        let minutes = inDay / 60_000 % 60
        let seconds = inDay / 1000 % 60
        let millis = inDay % 1000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hours, 2)):\(pad(minutes, 2)):\(pad(seconds, 2)).\(pad(millis, 3))+00:00"
    }

    /// Parses `YYYY-MM-DD`, optionally followed by `T` or a space, `HH:MM[:SS[.fff]]` and `Z` or
    /// `±HH:MM` / `±HHMM` (no offset: UTC). Returns epoch milliseconds, or nil.
    static func parse(_ text: String) -> Int64? {
        var scanner = Scanner(Array(text.utf8))
        guard let year = scanner.digits(4), scanner.take("-"), let month = scanner.digits(2), scanner.take("-"),
              let day = scanner.digits(2), (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var milliseconds = days(fromYear: year, month: month, day: day) * secondsPerDay * 1000
        if scanner.atEnd { return milliseconds }
        guard scanner.take("T") || scanner.take("t") || scanner.take(" "),
              let hours = scanner.digits(2), scanner.take(":"), let minutes = scanner.digits(2),
              hours < 24, minutes < 60
        else { return nil }
        var seconds: Int64 = 0
        var millis: Int64 = 0
        if scanner.take(":") {
            guard let value = scanner.digits(2), value < 61 else { return nil }
            seconds = value
            if scanner.take(".") || scanner.take(",") {
                var fraction = 0
                var scale: Int64 = 100
                while let digit = scanner.digit() {
                    millis += digit * scale
                    scale /= 10
                    fraction += 1
                }
                guard fraction > 0 else { return nil }
            }
        }
        milliseconds += ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis
        if scanner.atEnd || scanner.take("Z") || scanner.take("z") {
            return scanner.atEnd ? milliseconds : nil
        }
        let sign: Int64
        if scanner.take("+") { sign = 1 } else if scanner.take("-") { sign = -1 } else { return nil }
        guard let offsetHours = scanner.digits(2), offsetHours < 24 else { return nil }
        _ = scanner.take(":")
        guard let offsetMinutes = scanner.digits(2), offsetMinutes < 60, scanner.atEnd else { return nil }
        return milliseconds - sign * (offsetHours * 60 + offsetMinutes) * 60_000
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        var atEnd: Bool { index == bytes.count }
        mutating func take(_ character: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(character.value) else { return false }
            index += 1
            return true
        }
        mutating func digit() -> Int64? {
            guard index < bytes.count, (48...57).contains(bytes[index]) else { return nil }
            index += 1
            return Int64(bytes[index - 1] - 48)
        }
        mutating func digits(_ count: Int) -> Int64? {
            var value: Int64 = 0
            for _ in 0..<count {
                guard let digit = digit() else { return nil }
                value = value * 10 + digit
            }
            return value
        }
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func days(fromYear year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
