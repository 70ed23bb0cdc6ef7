import CoClickAPI

/// A meeting as scripts see it: the API's fields as sent, `id` always present (a full
/// meeting's `token` is copied to `id`; `token` is kept where the API sent it).
struct MeetingRecord: Sendable {
    var fields: [String: JSONValue]

    init(_ summary: MeetingSummary) { self.init(fields: summary.fields, id: summary.id) }
    init(_ meeting: Meeting) { self.init(fields: meeting.fields, id: meeting.id) }

    private init(fields: [String: JSONValue], id: String) {
        var fields = fields
        if fields["id"]?.isAbsent ?? true { fields["id"] = .string(id) }
        self.fields = fields
    }
}

private extension JSONValue {
    var isAbsent: Bool { if case .null = self { true } else { false } }
}

extension LuaCall {
    /// Pushes a meeting table: JSON nulls become absent fields, empty arrays stay arrays.
    func push(meeting: MeetingRecord) {
        push(.object(meeting.fields), nulls: .absent)
    }

    /// Pushes an array (marked as such, so that an empty one encodes as `[]`) of meetings.
    func push(meetings: [MeetingRecord]) {
        newTable(arrayCount: Int32(clamping: meetings.count))
        markArray()
        for (i, meeting) in meetings.enumerated() {
            push(meeting: meeting)
            setIndex(-2, Int64(i + 1))
        }
    }
}
