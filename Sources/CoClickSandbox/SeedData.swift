/// The deterministic demo world of a sandbox: company, presenters, key pair and meetings.
///
/// Same seed and same UTC day give the same data: meeting times are offsets from the start of
/// the current UTC day, from 7 days before to 14 days after, with about a third of them today.
struct SeedData: Sendable {
    static let companyName = "Acme Demo"
    static let domain = "acme-demo.example"
    static let statuses = ["scheduled", "in_progress", "closed", "cancelled"]

    let companyID: Int
    let presenters: [String]
    let secretID: String
    let secretKey: String
    private let seed: UInt64

    init(seed: UInt64) {
        self.seed = seed
        var keys = SplitMix64(seed: seed ^ 0x6B65_7970_6169_7221)
        secretID = keys.hex(32)
        secretKey = keys.hex(64)
        companyID = Int(keys.next() % 9000) + 1000
        presenters = ["alice.martin", "bruno.silva", "chloe.durand", "david.nguyen", "emma.kowalski"]
            .map { "\($0)@\(Self.domain)" }
    }

    /// The seeded meetings, in the order drawn (not sorted).
    func meetings(count: Int, dayStart: Int64) -> [StoredMeeting] {
        var random = SplitMix64(seed: seed)
        let count = max(0, count)
        var meetings: [StoredMeeting] = []
        meetings.reserveCapacity(count)
        for index in 0..<count {
            meetings.append(Self.meeting(index: index, random: &random, presenters: presenters.count, dayStart: dayStart))
        }
        return meetings
    }

    static let waitingRoom = "https://www.acme-demo.example/waiting-room"
    static let sites = [
        "https://shop.acme-demo.example/", "https://shop.acme-demo.example/cart",
        "https://www.acme-demo.example/pricing", "https://insurance.acme-demo.example/quote?step=2",
        "https://bank.acme-demo.example/loans/simulator",
    ]
    static let prospects = ["Phil", "Sofia", "Marc", "Yuki", "Amara", "Lena", "Omar", "Ines"]

    private static func meeting(index: Int, random: inout SplitMix64, presenters: Int, dayStart: Int64) -> StoredMeeting {
        let id = MeetingID(&random)
        let user = UInt8(random.next() % UInt64(presenters))
        // The first four cover every status today, so even a tiny sandbox shows them all.
        let day: Int64
        if index < 4 {
            day = 0
        } else {
            day = random.nextUnit() < 0.35 ? 0 : Int64(random.next() % 22) - 7
        }
        let minuteOfDay = Int64(8 * 60) + Int64(random.next() % (10 * 12)) * 5
        let second = Int64(random.next() % 60)
        let startsAt = (dayStart + day * ISODate.secondsPerDay + minuteOfDay * 60 + second) * 1000

        let status: String
        let roll = random.nextUnit()
        if index < 4 {
            status = statuses[index]
        } else if day < 0 {
            status = roll < 0.8 ? "closed" : "cancelled"
        } else if day == 0 {
            status = roll < 0.35 ? "closed" : roll < 0.5 ? "in_progress" : roll < 0.85 ? "scheduled" : "cancelled"
        } else {
            status = roll < 0.85 ? "scheduled" : "cancelled"
        }
        var meeting = StoredMeeting(
            id: id, startsAt: startsAt, user: user,
            status: UInt8(statuses.firstIndex(of: status) ?? 0))
        if status == "closed" { meeting.duration = 300 + Int32(random.next() % 3300) }

        meeting.site = UInt8(random.next() % UInt64(sites.count))
        if random.nextUnit() < 0.3 {
            meeting.hasCookie = true
            meeting.cookieHead = random.next()
            meeting.cookieTail = UInt32(random.next() >> 32)
        }
        if random.nextUnit() < 0.6 {
            meeting.customUserID = UInt16(random.next() % 900) + 100
            meeting.prospect = UInt8(random.next() % UInt64(prospects.count))
        }
        meeting.hasIframe = random.nextUnit() < 0.2
        return meeting
    }
}
