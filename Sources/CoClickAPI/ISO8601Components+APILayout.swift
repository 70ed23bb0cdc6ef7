extension ISO8601Components {
    /// The layout the API writes, `YYYY-MM-DDTHH:MM:SS.fff` then `±HH:MM` or `Z`, checked a
    /// word at a time: every date of a page is in it, and reading it a field at a time took 350
    /// instructions. Nil for any other text, or a date out of range, which `init?(utf8:)` then
    /// reads field by field (and refuses); what it returns is what that reading returns (a test
    /// compares the two with each byte of such dates changed).
    @inline(__always)
    static func apiLayout(_ bytes: UnsafeRawBufferPointer) -> ISO8601Components? {
        guard bytes.count == 29 || bytes.count == 24, let base = bytes.baseAddress else { return nil }
        func word(_ offset: Int) -> UInt64 { UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        // "YYYY-MM-", "DDTHH:MM" and ":SS.fff" (little-endian words; the zone's first byte masked off).
        guard let date = digits(word(0), mask: 0x00FF_FF00_FFFF_FFFF, separators: 0x2D00_002D_0000_0000),
            let time = digits(word(8), mask: 0xFFFF_00FF_FF00_FFFF, separators: 0x0000_3A00_0054_0000),
            let seconds = digits(word(16) & 0x00FF_FFFF_FFFF_FFFF, mask: 0x00FF_FFFF_00FF_FF00, separators: 0x0000_0000_2E00_003A)
        else { return nil }
        func digit(_ word: UInt64, _ byte: Int) -> Int { Int(truncatingIfNeeded: (word &>> UInt64(byte &* 8)) & 0xFF) }
        // Each byte of `pairs` is its digit's tens and the next's ones (99 at most: no carry).
        func pairs(_ digits: UInt64) -> UInt64 { digits &* 10 &+ (digits &>> 8) }
        let (datePairs, timePairs) = (pairs(date), pairs(time))
        let year = digit(datePairs, 0) &* 100 &+ digit(datePairs, 2)
        let (month, day) = (digit(datePairs, 5), digit(timePairs, 0))
        let (hour, minute, second) = (digit(timePairs, 3), digit(timePairs, 6), digit(pairs(seconds), 1))
        guard (1...12).contains(month), day >= 1, day <= CivilCalendar.daysInMonth(year, month), hour <= 23, minute <= 59,
            second <= 60
        else { return nil }
        var parts = ISO8601Components(year: year, month: month, day: day)
        (parts.hour, parts.minute, parts.second, parts.hasTime) = (hour, minute, second, true)
        // As the field-by-field reading sums them, for the same bits.
        var scale = 0.1
        for byte in 4...6 {
            parts.fraction += Double(digit(seconds, byte)) * scale
            scale /= 10
        }
        switch base.load(fromByteOffset: 23, as: UInt8.self) {
        case UInt8(ascii: "Z") where bytes.count == 24:
            parts.offset = 0
        case let sign where bytes.count == 29 && (sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-")):
            // "+HH:MM": the word ending at the text's end, its three bytes before the zone masked off.
            guard let zone = digits(word(21) & ~0xFF_FFFF, mask: 0xFFFF_00FF_FF00_0000, separators: 0x0000_3A00_0000_0000) else { return nil }
            let (hours, minutes) = (digit(pairs(zone), 3), digit(pairs(zone), 6))
            guard hours <= 23, minutes <= 59 else { return nil }
            parts.offset = (hours * 3600 + minutes * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
        default:
            return nil
        }
        return parts
    }

    /// `word` with its `mask` bytes made digit values (0 to 9), when those bytes are ASCII
    /// digits and its other bytes are `separators`' (the caller zeroes those it does not check).
    @inline(__always)
    private static func digits(_ word: UInt64, mask: UInt64, separators: UInt64) -> UInt64? {
        guard word & ~mask == separators else { return nil }
        // Each digit byte is 0x30 to 0x3F, then below 0x3A (adding 6 keeps it under 0x40):
        // sums of bytes under 0x46 carry into no neighbour.
        let (value, highs, threes) = (word & mask, 0xF0F0_F0F0_F0F0_F0F0 & mask, 0x3030_3030_3030_3030 & mask)
        guard value & highs == threes, (value &+ (0x0606_0606_0606_0606 & mask)) & highs == threes else { return nil }
        return value &- threes
    }
}
