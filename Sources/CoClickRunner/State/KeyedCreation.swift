import CoClickAPI
import CoClickLua
import CoClickState
import Foundation

/// `coclick.meetings.create(fields, {key=})`: at most one meeting per key, ever, at one API
/// base URL. The key is journaled in the state database as pending before the POST, and as
/// created (with the meeting's id) after it, so that whatever stops a run in between (a crash,
/// SIGKILL, a timeout) leaves a pending key that the next run resolves instead of creating a
/// second meeting.
enum KeyedCreation {
    static func create(
        _ new: NewMeeting, key: String, client: CoClickClient, call: LuaCall,
        runState: RunState
    ) throws -> (meeting: Meeting, how: KeyedCreateOutcome) {
        let database = try StateBindings.guarded { try runState.database() }
        // A key is about the service that holds the meeting: a sandbox's key says nothing of production.
        let scope = client.configuration.baseURL
        // Twice at most: a concurrent run may journal the key between our read and our write.
        for _ in 0..<2 {
            let record = try StateBindings.guarded { try database.creation(scope: scope, key: key) }
            switch record?.outcome {
            case .created(let id)?:
                return (try call.blockingAwait { try await client.meeting(id: id) }, .existing)
            case .pending?:
                return (try adopt(record!, scope: scope, database: database, client: client, call: call), .adopted)
            case nil:
                // Authenticate first: a failure there sends no POST and journals nothing.
                _ = try call.blockingAwait { try await client.token() }
                let begun = try StateBindings.guarded {
                    try database.beginCreation(
                        scope: scope, key: key, user: new.user, startsAt: new.startsAt,
                        cobrowsingURL: new.cobrowsingURL)
                }
                guard begun else { continue }
                let meeting: Meeting
                do {
                    meeting = try call.blockingAwait { try await client.createMeeting(new) }
                } catch let error as CoClickError where createdNothing(error) {
                    try? database.forgetPendingCreation(scope: scope, key: key)
                    throw error
                }
                do {
                    try database.finishCreation(scope: scope, key: key, meetingID: meeting.id)
                } catch {
                    // Created all the same; the pending key will be adopted by the next run.
                    StandardStreams.writeError("coclick: warning: meeting \(meeting.id) created, but its key could not be journaled: \(error)\n")
                }
                return (meeting, .created)
            }
        }
        throw StateBindingError(message: "state database: key \"\(key)\" changed while it was being read; try again")
    }

    /// Whether a failed POST certainly created nothing: the server answered with an error
    /// status (it says it did not create), or the request never left. A timeout, a dropped
    /// connection or a 2xx reply that cannot be read leave the outcome unknown.
    static func createdNothing(_ error: CoClickError) -> Bool {
        if error.requestNeverSent { return true }
        guard let status = error.status else { return false }
        return !(200..<300).contains(status)
    }

    /// A pending key: the POST journaled before it may or may not have created the meeting.
    /// One of that user's meetings with the same start and URL is taken as it, and journaled;
    /// none is an `uncertain` error naming the key (creating again could make a duplicate).
    private static func adopt(
        _ record: CreationRecord, scope: String, database: StateDatabase,
        client: CoClickClient, call: LuaCall
    ) throws -> Meeting {
        // What was sent then, not what this call asks now.
        let sent = NewMeeting(
            user: record.user, startsAt: record.startsAt, cobrowsingURL: record.cobrowsingURL,
            cobrowsingCookiesData: nil, customData: nil, presenterWaitingRoomIframeURL: nil,
            prospectWaitingRoomIframeURL: nil)
        if let found = try call.blockingAwait({ try await client.findMeeting(like: sent) }) {
            try StateBindings.guarded { try database.finishCreation(scope: scope, key: record.key, meetingID: found.id) }
            return found
        }
        let requested = APIDate.format(Date(timeIntervalSince1970: record.requestedAt))
        throw CoClickError(
            .uncertain,
            message: """
                key "\(record.key)": an earlier create (\(requested)) may have reached CoClick, and no meeting of \
                \(record.user ?? "?") starting at \(record.startsAt ?? "?") on \(record.cobrowsingURL ?? "?") was found; \
                not creating it again (check, and create it under another key if it is really missing)
                """)
    }
}
