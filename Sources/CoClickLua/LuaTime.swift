import CoClickAPI
import Glibc

/// `coclick.time`: ISO 8601 with milliseconds and an offset (`2021-10-30T14:29:33.000+02:00`),
/// the shape the API uses. Local time follows `TZ` from the environment.
enum LuaTime {
    /// Parses ISO 8601 (`ISO8601Components`). A date alone is local midnight; a time without
    /// an offset is local time.
    static func parse(_ text: String) -> Double? {
        guard let parts = ISO8601Components(text) else { return nil }
        if let epoch = parts.epochSeconds { return epoch }
        tzset()
        var t = tm()
        t.tm_year = Int32(parts.year - 1900)
        t.tm_mon = Int32(parts.month - 1)
        t.tm_mday = Int32(parts.day)
        t.tm_hour = Int32(parts.hour)
        t.tm_min = Int32(parts.minute)
        t.tm_sec = Int32(parts.second)
        t.tm_isdst = -1
        return Double(mktime(&t)) + parts.fraction
    }

    /// `epoch` as ISO 8601 with milliseconds, in UTC (`Z`) or local time (`+02:00`).
    static func format(_ epoch: Double, utc: Bool) -> String? {
        guard epoch.isFinite, abs(epoch) < 1e13 else { return nil }
        var whole = epoch.rounded(.down)
        var millis = Int(((epoch - whole) * 1000).rounded())
        if millis >= 1000 {
            millis -= 1000
            whole += 1
        }
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
        t.tm_hour = 0
        t.tm_min = 0
        t.tm_sec = 0
        t.tm_isdst = -1
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
}

extension LuaState {
    /// The time bindings capture nothing: written as `LuaBindingFunction`s, called one frame
    /// sooner than closures (scripts call `format` in loops over meetings).
    func installTime() {
        register(
            "parse", in: "coclick.time",
            function: { L, _ in
                LuaBinding.run(L) { call in
                    let text = try call.string(1)
                    guard let epoch = LuaTime.parse(text) else {
                        throw LuaArgumentError(argument: 1, message: "not an ISO 8601 date: \(text.prefix(60))")
                    }
                    if epoch == epoch.rounded(.down), abs(epoch) < 1e15 { call.push(Int64(epoch)) } else { call.push(epoch) }
                    return .values(1)
                }
            })
        register(
            "format", in: "coclick.time",
            function: { L, _ in
                LuaBinding.run(L) { call in
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
            })
        register(
            "day", in: "coclick.time",
            function: { L, _ in
                LuaBinding.run(L) { call in
                    var epoch = Double(time(nil))
                    if let given = try call.optionalNumber(1) { epoch = given }
                    guard let day = LuaTime.day(epoch) else { throw LuaArgumentError(argument: 1, message: "time out of range") }
                    call.push(day.start)
                    call.push(day.end)
                    return .values(2)
                }
            })
    }
}
