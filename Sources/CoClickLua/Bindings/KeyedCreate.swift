import CoClickAPI

/// `coclick.meetings.create(fields, {key=})`: creates the meeting at most once per key, ever.
/// The host provides it (the journal lives in its state database); it runs on the Lua thread,
/// awaiting HTTP through `call.blockingAwait`, and throws what the bindings raise.
public typealias KeyedCreate = (_ new: NewMeeting, _ key: String, _ client: CoClickClient, _ call: LuaCall) throws -> Meeting
