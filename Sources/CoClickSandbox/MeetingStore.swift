/// The sandbox's meetings: the seeded ones and those created since, kept sorted by start time
/// (then id), compactly (`StoredMeeting`), with indexes so that a page costs time in proportion
/// to the page, not to the number of meetings:
/// - one list of positions for each (user, status) pair: every `q` filter (users, statuses, a
///   text matching users or a status) selects a set of pairs, and a page is the merge of their
///   lists from the page's offset, found by binary search;
/// - the ids, sorted, for `GET /meetings/{id}`.
final class MeetingStore: Sendable {
    private struct State {
        var meetings: [StoredMeeting]
        /// Positions in `meetings`, ascending, of the meetings of each (user, status) pair.
        var cells: [[Int32]]
        /// (id, start) of every meeting, sorted by id.
        var ids: [(id: MeetingID, startsAt: Int64)]
        /// The free data of created meetings (`StoredMeeting.created`).
        var created: [SandboxMeeting]
        var random: SplitMix64
    }

    let presenters: [String]
    private let state: Locked<State>

    init(meetings: [StoredMeeting], presenters: [String], seed: UInt64) {
        self.presenters = presenters
        let sorted = meetings.sorted(by: StoredMeeting.precedes)
        var cells = [[Int32]](repeating: [], count: presenters.count * SeedData.statuses.count)
        for (position, meeting) in sorted.enumerated() {
            cells[Self.cell(user: meeting.user, status: meeting.status)].append(Int32(position))
        }
        let ids = sorted.map { (id: $0.id, startsAt: $0.startsAt) }.sorted { $0.id < $1.id }
        state = Locked(
            State(
                meetings: sorted, cells: cells, ids: ids, created: [],
                random: SplitMix64(seed: seed ^ 0x6372_6561_7465)))
    }

    private static func cell(user: UInt8, status: UInt8) -> Int {
        Int(user) * SeedData.statuses.count + Int(status)
    }

    /// Page `page` (from 1) of `per` meetings among those `filter` keeps, as summaries.
    func list(filter: QueryFilter, page: Int, per: Int) -> [SandboxJSON] {
        var selected: [Int] = []
        for user in presenters.indices {
            for status in SeedData.statuses.indices where filter.matches(user: presenters[user], status: SeedData.statuses[status]) {
                selected.append(Self.cell(user: UInt8(user), status: UInt8(status)))
            }
        }
        let (offset, overflow) = (page - 1).multipliedReportingOverflow(by: per)
        guard !overflow, per > 0 else { return [] }
        return state.withLock { state in
            let positions: [Int32]
            if selected.count == state.cells.count {
                guard offset < state.meetings.count else { return [] }
                positions = Array(Int32(offset)..<Int32(min(offset + per, state.meetings.count)))
            } else {
                positions = Self.page(
                    of: selected.map { state.cells[$0] }, offset: offset, per: per,
                    count: state.meetings.count)
            }
            return positions.map { state.meetings[Int($0)].summaryJSON(presenters: presenters) }
        }
    }

    /// Positions `offset ..< offset + per` of the merge of ascending `lists`.
    private static func page(of lists: [[Int32]], offset: Int, per: Int, count: Int) -> [Int32] {
        let total = lists.reduce(0) { $0 + $1.count }
        guard offset < total else { return [] }
        // The smallest position p with `offset` selected meetings before it: the page starts there.
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            let before = lists.reduce(0) { $0 + lowerBound($1, Int32(middle)) }
            if before >= offset { high = middle } else { low = middle + 1 }
        }
        var heads = lists.map { lowerBound($0, Int32(low)) }
        var positions: [Int32] = []
        positions.reserveCapacity(per)
        while positions.count < per {
            var best: Int?
            for (index, list) in lists.enumerated() where heads[index] < list.count {
                if best.map({ list[heads[index]] < lists[$0][heads[$0]] }) ?? true { best = index }
            }
            guard let best else { break }
            positions.append(lists[best][heads[best]])
            heads[best] += 1
        }
        return positions
    }

    /// The index of the first element of `list` not below `value`.
    private static func lowerBound(_ list: [Int32], _ value: Int32) -> Int {
        var low = 0, high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    func meeting(id text: String) -> SandboxMeeting? {
        guard let id = MeetingID(text) else { return nil }
        return state.withLock { state in
            guard let startsAt = Self.startsAt(of: id, in: state.ids) else { return nil }
            let position = Self.insertionPoint(of: id, startsAt: startsAt, in: state.meetings)
            guard position < state.meetings.count, state.meetings[position].id == id else { return nil }
            let stored = state.meetings[position]
            return stored.created >= 0 ? state.created[Int(stored.created)] : stored.seeded(presenters: presenters)
        }
    }

    private static func startsAt(of id: MeetingID, in ids: [(id: MeetingID, startsAt: Int64)]) -> Int64? {
        var low = 0, high = ids.count
        while low < high {
            let middle = (low + high) / 2
            if ids[middle].id < id { low = middle + 1 } else { high = middle }
        }
        return low < ids.count && ids[low].id == id ? ids[low].startsAt : nil
    }

    /// Where a meeting with this start and id is, or would go, in the sorted list.
    private static func insertionPoint(of id: MeetingID, startsAt: Int64, in meetings: [StoredMeeting]) -> Int {
        var low = 0, high = meetings.count
        while low < high {
            let middle = (low + high) / 2
            let m = meetings[middle]
            if m.startsAt < startsAt || (m.startsAt == startsAt && m.id < id) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Stores a new meeting (its user one of the presenters) under a fresh id and returns it.
    func insert(_ make: (String) -> SandboxMeeting) -> SandboxMeeting {
        state.withLock { state in
            let id = MeetingID(&state.random)
            let meeting = make(id.text)
            let user = presenters.firstIndex(of: meeting.user) ?? 0
            let status = SeedData.statuses.firstIndex(of: meeting.status) ?? 0
            var stored = StoredMeeting(id: id, startsAt: meeting.startsAt, user: UInt8(user), status: UInt8(status))
            stored.created = Int32(state.created.count)
            state.created.append(meeting)

            let position = Self.insertionPoint(of: id, startsAt: meeting.startsAt, in: state.meetings)
            state.meetings.insert(stored, at: position)
            for index in state.cells.indices {
                var list = state.cells[index]
                state.cells[index] = []  // keeps the list uniquely referenced: shifted in place
                for i in Self.lowerBound(list, Int32(position))..<list.count { list[i] += 1 }
                state.cells[index] = list
            }
            let cell = Self.cell(user: UInt8(user), status: UInt8(status))
            state.cells[cell].insert(Int32(position), at: Self.lowerBound(state.cells[cell], Int32(position)))
            let idPosition = state.ids.firstIndex { $0.id > id } ?? state.ids.count
            state.ids.insert((id, meeting.startsAt), at: idPosition)
            return meeting
        }
    }
}
