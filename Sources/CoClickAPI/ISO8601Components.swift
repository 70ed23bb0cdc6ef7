/// The parts of an ISO 8601 / RFC 3339 date, as written: `YYYY-MM-DD[(T|t| )HH:MM[:SS[(.|,)fff]]]`
/// then `Z`, `±HH:MM`, `±HHMM`, `±HH` or nothing. One strict, allocation-light parser for the
/// API's dates (`APIDate`, which wants a time and an offset) and the scripts' (`coclick.time.parse`,
/// which also takes a date alone or a local time). Foundation's formatters are slow and differ
/// across platforms on fractional seconds and offsets without a colon.
public struct ISO8601Components: Sendable, Hashable {
    public var year: Int, month: Int, day: Int
    public var hour = 0, minute = 0, second = 0
    public var fraction = 0.0
    /// Whether a time of day was written.
    public var hasTime = false
    /// Seconds east of UTC (0 for `Z`); nil when the text names no offset (local time).
    public var offset: Int?

    public init?(_ text: String) {
        var text = text
        guard let parts = text.withUTF8({ ISO8601Components(utf8: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = parts
    }

    /// The same from UTF-8 bytes (a date inside a response body, read where it lies). Inlined:
    /// a caller that reads only some parts (the page check) computes no others.
    @inline(__always)
    init?(utf8 bytes: UnsafeRawBufferPointer) {
        guard let parts = Self.apiLayout(bytes) ?? Self(fieldByField: bytes) else { return nil }
        self = parts
    }

    init(year: Int, month: Int, day: Int) {
        (self.year, self.month, self.day) = (year, month, day)
    }

    /// Any of the forms above, a field at a time (`apiLayout` reads the API's own at once).
    init?(fieldByField bytes: UnsafeRawBufferPointer) {
        var c = Cursor(bytes: bytes)
        guard let year = c.digits(4), c.take("-"), let month = c.digits(2), c.take("-"), let day = c.digits(2),
            (1...12).contains(month), day >= 1, day <= CivilCalendar.daysInMonth(year, month)
        else { return nil }
        (self.year, self.month, self.day) = (year, month, day)
        guard !c.atEnd else { return }
        guard c.take("T") || c.take("t") || c.take(" ") else { return nil }
        guard let hour = c.digits(2), c.take(":"), let minute = c.digits(2), hour <= 23, minute <= 59 else { return nil }
        (self.hour, self.minute, hasTime) = (hour, minute, true)
        if c.take(":") {
            guard let second = c.digits(2), second <= 60 else { return nil }
            self.second = second
            if c.take(".") || c.take(",") {
                var scale = 0.1
                var any = false
                while let digit = c.digits(1) {
                    fraction += Double(digit) * scale
                    scale /= 10
                    any = true
                }
                guard any else { return nil }
            }
        }
        if c.take("Z") || c.take("z") {
            offset = 0
        } else if c.take("+") || c.take("-") {
            let negative = bytes[c.i - 1] == UInt8(ascii: "-")
            guard let oh = c.digits(2), oh <= 23 else { return nil }
            var om = 0
            if !c.atEnd {
                _ = c.take(":")
                guard let m = c.digits(2), m <= 59 else { return nil }
                om = m
            }
            offset = (oh * 3600 + om * 60) * (negative ? -1 : 1)
        }
        guard c.atEnd else { return nil }
    }

    /// A position in the text (a struct, not closures over a variable: this runs per meeting).
    private struct Cursor {
        let bytes: UnsafeRawBufferPointer
        var i = 0

        var atEnd: Bool { i >= bytes.count }

        /// `n` (at most 4) decimal digits. Wrapping arithmetic: four digits cannot overflow, and
        /// the checked forms cost a branch each. Inlined: a date reads seven fields.
        @inline(__always)
        mutating func digits(_ n: Int) -> Int? {
            guard n <= bytes.count &- i else { return nil }
            var v = 0
            var k = i
            while k < i &+ n {
                let d = bytes[k] &- 48
                guard d < 10 else { return nil }
                v = v &* 10 &+ Int(d)
                k &+= 1
            }
            i = k
            return v
        }

        @inline(__always)
        mutating func take(_ ascii: Unicode.Scalar) -> Bool {
            guard i < bytes.count, bytes[i] == UInt8(ascii: ascii) else { return false }
            i &+= 1
            return true
        }
    }

    /// Seconds since the epoch, when the text names its offset (else it is local time, which
    /// only the caller's time zone can place).
    public var epochSeconds: Double? {
        guard let offset else { return nil }
        let days = CivilCalendar.daysFromCivil(year, month, day)
        return Double(days) * 86_400 + Double(hour * 3600 + minute * 60 + second) - Double(offset) + fraction
    }
}

/// Proleptic Gregorian calendar arithmetic (Howard Hinnant's algorithms).
public enum CivilCalendar {
    public static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a date.
    public static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date (year, month, day) of a count of days since 1970-01-01.
    public static func date(fromDays z0: Int) -> (Int, Int, Int) {
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
