import CoClickAPI

/// `coclick.meetings.create(fields, {key=})`: creates the meeting at most once per key, ever.
/// The host provides it (the journal lives in its state database); it runs on the Lua thread,
/// awaiting HTTP through `call.blockingAwait`, and throws what the bindings raise. Returns the
/// meeting and how it was had: `created` now, `existing` (created by an earlier call with this
/// key, fetched), or `adopted` (found after an earlier POST of unknown outcome).
public typealias KeyedCreate = (_ new: NewMeeting, _ key: String, _ client: CoClickClient, _ call: LuaCall) throws
    -> (meeting: Meeting, how: KeyedCreateOutcome)

public enum KeyedCreateOutcome: String, Sendable {
    case created, existing, adopted
}
