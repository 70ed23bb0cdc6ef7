import Glibc

/// `coclick.time`: ISO 8601 with milliseconds and an offset (`2021-10-30T14:29:33.000+02:00`),
/// the shape the API uses. Local time follows `TZ` from the environment.
enum LuaTime {
    struct Fields {
        var year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0
        var fraction = 0.0
        var offset: Int?   // seconds east of UTC; nil: local time
    }

    /// Parses `YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|±HH[:MM]|±HHMM]`. A date alone is local
    /// midnight; a time without an offset is local time.
    static func parse(_ text: String) -> Double? {
        let b = Array(text.utf8)
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += n
            return v
        }
        func take(_ c: UInt8) -> Bool {
            if i < b.count && b[i] == c { i += 1; return true }
            return false
        }
        var f = Fields()
        guard let y = digits(4), take(45), let mo = digits(2), take(45), let d = digits(2) else { return nil }
        (f.year, f.month, f.day) = (y, mo, d)
        guard (1...12).contains(mo), d >= 1, d <= daysInMonth(y, mo) else { return nil }
        if i < b.count {
            guard take(84) || take(116) || take(32) else { return nil }  // T t space
            guard let h = digits(2), take(58), let mi = digits(2), h < 24, mi < 60 else { return nil }
            (f.hour, f.minute) = (h, mi)
            if take(58) {
                guard let sec = digits(2), sec < 60 else { return nil }
                f.second = sec
                if take(46) || take(44) {
                    var scale = 0.1
                    let start = i
                    while i < b.count, b[i] >= 48, b[i] <= 57 {
                        f.fraction += Double(b[i] - 48) * scale
                        scale /= 10
                        i += 1
                    }
                    guard i > start else { return nil }
                }
            }
            if take(90) || take(122) {  // Z z
                f.offset = 0
            } else if i < b.count, b[i] == 43 || b[i] == 45 {
                let sign = b[i] == 45 ? -1 : 1
                i += 1
                guard let oh = digits(2), oh < 24 else { return nil }
                var om = 0
                if take(58) {
                    guard let m = digits(2) else { return nil }
                    om = m
                } else if i < b.count {
                    guard let m = digits(2) else { return nil }
                    om = m
                }
                guard om < 60 else { return nil }
                f.offset = sign * (oh * 3600 + om * 60)
            }
            guard i == b.count else { return nil }
        }
        let seconds: Int
        if let offset = f.offset {
            seconds = daysFromCivil(f.year, f.month, f.day) * 86400 + f.hour * 3600 + f.minute * 60 + f.second - offset
        } else {
            tzset()
            var t = tm()
            t.tm_year = Int32(f.year - 1900); t.tm_mon = Int32(f.month - 1); t.tm_mday = Int32(f.day)
            t.tm_hour = Int32(f.hour); t.tm_min = Int32(f.minute); t.tm_sec = Int32(f.second)
            t.tm_isdst = -1
            seconds = Int(mktime(&t))
        }
        return Double(seconds) + f.fraction
    }

    /// `epoch` as ISO 8601 with milliseconds, in UTC (`Z`) or local time (`+02:00`).
    static func format(_ epoch: Double, utc: Bool) -> String? {
        guard epoch.isFinite, abs(epoch) < 1e13 else { return nil }
        var whole = epoch.rounded(.down)
        var millis = Int(((epoch - whole) * 1000).rounded())
        if millis >= 1000 { millis -= 1000; whole += 1 }
        var seconds = time_t(whole)
        var t = tm()
        if utc {
            guard gmtime_r(&seconds, &t) != nil else { return nil }
        } else {
            tzset()
            guard localtime_r(&seconds, &t) != nil else { return nil }
        }
        var out = pad(Int(t.tm_year) + 1900, 4) + "-" + pad(Int(t.tm_mon) + 1, 2) + "-" + pad(Int(t.tm_mday), 2)
        out += "T" + pad(Int(t.tm_hour), 2) + ":" + pad(Int(t.tm_min), 2) + ":" + pad(Int(t.tm_sec), 2)
        out += "." + pad(millis, 3)
        let offset = utc ? 0 : Int(t.tm_gmtoff)
        if utc {
            out += "Z"
        } else {
            let a = abs(offset)
            out += (offset < 0 ? "-" : "+") + pad(a / 3600, 2) + ":" + pad(a % 3600 / 60, 2)
        }
        return out
    }

    /// Start of the local day holding `epoch` and start of the next one (the end, exclusive).
    static func day(_ epoch: Double) -> (start: Int64, end: Int64)? {
        guard epoch.isFinite, abs(epoch) < 1e13 else { return nil }
        tzset()
        var seconds = time_t(epoch.rounded(.down))
        var t = tm()
        guard localtime_r(&seconds, &t) != nil else { return nil }
        t.tm_hour = 0; t.tm_min = 0; t.tm_sec = 0; t.tm_isdst = -1
        var next = t
        let start = mktime(&t)
        next.tm_mday += 1
        let end = mktime(&next)
        return (Int64(start), Int64(end))
    }

    /// Now, in UTC with milliseconds: the log line's time stamp.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return format(Double(now.tv_sec) + Double(now.tv_nsec / 1_000_000) / 1000, utc: true) ?? "?"
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}

extension LuaState {
    func installTime() {
        register("parse", in: "coclick.time") { call in
            let text = try call.string(1)
            guard let epoch = LuaTime.parse(text) else {
                throw LuaArgumentError(argument: 1, message: "not an ISO 8601 date: \(text.prefix(60))")
            }
            if epoch == epoch.rounded(.down), abs(epoch) < 1e15 { call.push(Int64(epoch)) } else { call.push(epoch) }
            return .values(1)
        }
        register("format", in: "coclick.time") { call in
            let epoch = try call.number(1)
            let zone = try call.optionalString(2) ?? "local"
            guard zone == "utc" || zone == "local" else {
                throw LuaArgumentError(argument: 2, message: "\"utc\" or \"local\" expected")
            }
            guard let text = LuaTime.format(epoch, utc: zone == "utc") else {
                throw LuaArgumentError(argument: 1, message: "time out of range")
            }
            call.push(text)
            return .values(1)
        }
        register("day", in: "coclick.time") { call in
            var epoch = Double(time(nil))
            if let given = try call.optionalNumber(1) { epoch = given }
            guard let day = LuaTime.day(epoch) else { throw LuaArgumentError(argument: 1, message: "time out of range") }
            call.push(day.start)
            call.push(day.end)
            return .values(2)
        }
    }
}
