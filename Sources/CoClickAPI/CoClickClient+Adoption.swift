import Foundation

extension CoClickClient {
    /// The meeting a POST of `new` may have created without its reply reaching us (a crash, a
    /// kill, a timeout): one of `new.user`'s meetings starting at the same instant with the same
    /// `cobrowsing_url`. Lists that user's meetings (`q[user]=`), then reads in full only those
    /// that start at that instant. Nil when none matches, or when `new` lacks those fields.
    public func findMeeting(like new: NewMeeting) async throws -> Meeting? {
        guard let user = new.user, let startsAt = new.startsAt, let url = new.cobrowsingURL else { return nil }
        let instant = APIDate(startsAt)?.date
        func sameStart(_ date: APIDate?) -> Bool {
            guard let date else { return false }
            if let instant { return abs(date.date.timeIntervalSince(instant)) < 0.0005 }
            return date.text == startsAt
        }
        var candidates: [String] = []
        for try await summary in meetings(query: .object(.object(["user": .string(user)])), per: 100)
        where sameStart(summary.startsAt) && (summary.user.map { $0.lowercased() == user.lowercased() } ?? true) {
            candidates.append(summary.id)
        }
        for id in candidates {
            let meeting = try await meeting(id: id)
            if meeting.cobrowsingURL == url { return meeting }
        }
        return nil
    }
}
