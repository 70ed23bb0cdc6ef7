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
    let meetings: [SandboxMeeting]

    init(seed: UInt64, meetingCount: Int, dayStart: Int64) {
        var keys = SplitMix64(seed: seed ^ 0x6B65_7970_6169_7221)
        secretID = keys.hex(32)
        secretKey = keys.hex(64)
        companyID = Int(keys.next() % 9000) + 1000
        presenters = ["alice.martin", "bruno.silva", "chloe.durand", "david.nguyen", "emma.kowalski"]
            .map { "\($0)@\(Self.domain)" }

        var random = SplitMix64(seed: seed)
        let count = max(0, meetingCount)
        var meetings: [SandboxMeeting] = []
        meetings.reserveCapacity(count)
        for index in 0..<count {
            meetings.append(Self.meeting(index: index, random: &random, presenters: presenters, dayStart: dayStart))
        }
        self.meetings = meetings
    }

    private static let sites = [
        "https://shop.acme-demo.example/", "https://shop.acme-demo.example/cart",
        "https://www.acme-demo.example/pricing", "https://insurance.acme-demo.example/quote?step=2",
        "https://bank.acme-demo.example/loans/simulator",
    ]
    private static let prospects = ["Phil", "Sofia", "Marc", "Yuki", "Amara", "Lena", "Omar", "Ines"]

    private static func meeting(index: Int, random: inout SplitMix64, presenters: [String], dayStart: Int64) -> SandboxMeeting {
        let id = random.hex(64)
        let user = presenters[Int(random.next() % UInt64(presenters.count))]
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
        let duration: Int64? = status == "closed" ? 300 + Int64(random.next() % 3300) : nil

        let site = sites[Int(random.next() % UInt64(sites.count))]
        let cookies: SandboxJSON
        if random.nextUnit() < 0.3, let host = site.split(separator: "/").dropFirst().first {
            cookies = .array([.object([
                ("name", .string("session_id")), ("value", .string(random.hex(24))),
                ("domain", .string(String(host))), ("path", .string("/")),
                ("secure", .bool(true)), ("httpOnly", .bool(true)),
            ])])
        } else {
            cookies = .array([])
        }
        let customData: SandboxJSON
        if random.nextUnit() < 0.6 {
            customData = .object([
                ("user_id", .integer(Int64(random.next() % 900) + 100)),
                ("username", .string(prospects[Int(random.next() % UInt64(prospects.count))])),
            ])
        } else {
            customData = .object([])
        }
        let iframe = random.nextUnit() < 0.2 ? "https://www.acme-demo.example/waiting-room" : nil
        return SandboxMeeting(
            id: id, user: user, status: status, startsAt: startsAt, duration: duration,
            cobrowsingURL: site, cobrowsingCookiesData: cookies, customData: customData,
            presenterWaitingRoomIframeURL: nil, prospectWaitingRoomIframeURL: iframe
        )
    }
}
