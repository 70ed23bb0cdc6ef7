/// A meeting's 64-hex-character id as four 64-bit words (its text, 16 hex digits a word):
/// comparing the words compares the texts.
struct MeetingID: Hashable, Comparable, Sendable {
    var words: (UInt64, UInt64, UInt64, UInt64)

    /// Four words of `random`, the same as `random.hex(64)` would have read.
    init(_ random: inout SplitMix64) {
        words = (random.next(), random.next(), random.next(), random.next())
    }

    /// Exactly 64 lowercase hex digits (as the sandbox writes ids); nil otherwise.
    init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 64 else { return nil }
        var parsed: [UInt64] = []
        for start in stride(from: 0, to: 64, by: 16) {
            var word: UInt64 = 0
            for byte in bytes[start..<start + 16] {
                guard let digit = Self.digit(byte) else { return nil }
                word = word << 4 | UInt64(digit)
            }
            parsed.append(word)
        }
        words = (parsed[0], parsed[1], parsed[2], parsed[3])
    }

    var text: String { Self.hex(words.0) + Self.hex(words.1) + Self.hex(words.2) + Self.hex(words.3) }

    static func hex(_ word: UInt64, digits: Int = 16) -> String {
        let text = String(word, radix: 16)
        return String((String(repeating: "0", count: 16 - text.count) + text).prefix(digits))
    }

    private static func digit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    static func == (a: MeetingID, b: MeetingID) -> Bool { a.words == b.words }
    static func < (a: MeetingID, b: MeetingID) -> Bool { a.words < b.words }
    func hash(into hasher: inout Hasher) { hasher.combine(words.0) }
}

/// A meeting as `MeetingStore` keeps it: about 72 bytes and no allocation, so that a million
/// fit in memory. Seeded meetings are wholly here (their free data is a few numbers the full
/// form is rebuilt from); a created meeting's free data lives in `MeetingStore`, at `created`.
struct StoredMeeting: Sendable {
    var id: MeetingID
    /// Epoch milliseconds.
    var startsAt: Int64
    /// A seeded session cookie's value: 16 hex digits of `cookieHead`, 8 of `cookieTail`.
    var cookieHead: UInt64 = 0
    var cookieTail: UInt32 = 0
    /// Seconds; -1 until the meeting has taken place.
    var duration: Int32 = -1
    /// Seeded `custom_data.user_id`; 0: empty custom data.
    var customUserID: UInt16 = 0
    /// Index into the presenters.
    var user: UInt8
    /// Index into `SeedData.statuses`.
    var status: UInt8
    /// Seeded: index into `SeedData.sites`, and into `SeedData.prospects` for `custom_data.username`.
    var site: UInt8 = 0
    var prospect: UInt8 = 0
    var hasCookie = false
    var hasIframe = false
    /// Index of a created meeting's data in the store; -1 for a seeded one.
    var created: Int32 = -1

    /// Sort order of the list: start time, then id.
    static func precedes(_ a: StoredMeeting, _ b: StoredMeeting) -> Bool {
        a.startsAt != b.startsAt ? a.startsAt < b.startsAt : a.id < b.id
    }

    /// The list form: `id, user, status, starts_at`.
    func summaryJSON(presenters: [String]) -> SandboxJSON {
        .object([
            ("id", .string(id.text)),
            ("user", .string(presenters[Int(user)])),
            ("status", .string(SeedData.statuses[Int(status)])),
            ("starts_at", .string(ISODate.format(milliseconds: startsAt))),
        ])
    }

    /// A seeded meeting in full.
    func seeded(presenters: [String]) -> SandboxMeeting {
        let site = SeedData.sites[Int(site)]
        var cookies = SandboxJSON.array([])
        if hasCookie, let host = site.split(separator: "/").dropFirst().first {
            cookies = .array([
                .object([
                    ("name", .string("session_id")),
                    ("value", .string(MeetingID.hex(cookieHead) + MeetingID.hex(UInt64(cookieTail) << 32, digits: 8))),
                    ("domain", .string(String(host))), ("path", .string("/")),
                    ("secure", .bool(true)), ("httpOnly", .bool(true)),
                ])
            ])
        }
        var customData = SandboxJSON.object([])
        if customUserID > 0 {
            customData = .object([
                ("user_id", .integer(Int64(customUserID))),
                ("username", .string(SeedData.prospects[Int(prospect)])),
            ])
        }
        return SandboxMeeting(
            id: id.text, user: presenters[Int(user)], status: SeedData.statuses[Int(status)], startsAt: startsAt,
            duration: duration >= 0 ? Int64(duration) : nil,
            cobrowsingURL: site, cobrowsingCookiesData: cookies, customData: customData,
            presenterWaitingRoomIframeURL: nil,
            prospectWaitingRoomIframeURL: hasIframe ? SeedData.waitingRoom : nil)
    }
}
