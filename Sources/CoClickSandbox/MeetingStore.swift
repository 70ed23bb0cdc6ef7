/// The sandbox's meetings: the seeded ones and those created since, kept sorted by start time.
final class MeetingStore: Sendable {
    private let state: Locked<(meetings: [SandboxMeeting], random: SplitMix64)>

    init(meetings: [SandboxMeeting], seed: UInt64) {
        state = Locked((meetings.sorted(by: Self.order), SplitMix64(seed: seed ^ 0x6372_6561_7465)))
    }

    func list(filter: QueryFilter, page: Int, per: Int) -> [SandboxMeeting] {
        state.withLock { state in
            let matching = state.meetings.filter(filter.matches)
            let (start, overflow) = (page - 1).multipliedReportingOverflow(by: per)
            guard !overflow, start < matching.count else { return [] }
            return Array(matching[start..<min(start + per, matching.count)])
        }
    }

    func meeting(id: String) -> SandboxMeeting? {
        state.withLock { $0.meetings.first(where: { $0.id == id }) }
    }

    /// Stores a new meeting under a fresh id and returns it.
    func insert(_ make: (String) -> SandboxMeeting) -> SandboxMeeting {
        state.withLock { state in
            let meeting = make(state.random.hex(64))
            let index = state.meetings.firstIndex(where: { Self.order(meeting, $0) }) ?? state.meetings.endIndex
            state.meetings.insert(meeting, at: index)
            return meeting
        }
    }

    private static func order(_ a: SandboxMeeting, _ b: SandboxMeeting) -> Bool {
        a.startsAt != b.startsAt ? a.startsAt < b.startsAt : a.id < b.id
    }
}
