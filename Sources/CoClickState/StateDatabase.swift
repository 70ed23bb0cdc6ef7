import GRDB
import Glibc

/// `$XDG_STATE_HOME/coclick/state.db`: what lasts between runs. One SQLite file (mode 0600)
/// shared by every run of the user, concurrent ones included: each write is one immediate
/// transaction (so two runs never deadlock upgrading a read lock), a busy run waits for the
/// other, and SQLite's default `synchronous=FULL` with a rollback journal makes a write
/// durable when it returns.
///
/// - `kv`: `coclick.state.*`, one namespace per script (its absolute path, or `--state NAME`).
/// - `runs`: when the last run of a namespace that exited 0 started (`coclick.run.last_success`).
/// - `creations`: the journal of `coclick.meetings.create(fields, {key=})`, one row per
///   (API base URL, key): `pending` before the POST, `created` with the meeting's id after it.
///
/// Used from one thread at a time (the Lua thread); GRDB serializes access anyway.
public final class StateDatabase: Sendable {
    public let path: String
    private let queue: DatabaseQueue

    /// A value larger than this is refused by `setValue` (and by a reader: a file edited by hand).
    public static let maxValueBytes = 8 * 1024 * 1024
    /// How long a write waits for another run's transaction before failing.
    public static let busyTimeout: Double = 30

    /// Opens (creating it 0600 if needed) the database at `path`, whose folder must exist.
    /// - Throws: `StateDatabaseError` naming the file when it is not a regular file or cannot
    ///   be opened or set up.
    public init(path: String) throws {
        self.path = path
        try Self.prepareFile(path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.label = "coclick.state"
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try db.execute(sql: Self.schema)
                    return .commit
                }
            }
        } catch {
            throw StateDatabaseError(path: path, reason: Self.describe(error))
        }
    }

    static let schema = """
        CREATE TABLE IF NOT EXISTS kv (
            namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated_at REAL NOT NULL,
            PRIMARY KEY (namespace, key)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS runs (
            namespace TEXT PRIMARY KEY NOT NULL, last_success_started_at REAL NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS creations (
            scope TEXT NOT NULL, key TEXT NOT NULL, state TEXT NOT NULL, meeting_id TEXT,
            user TEXT, starts_at TEXT, cobrowsing_url TEXT,
            requested_at REAL NOT NULL, finished_at REAL,
            PRIMARY KEY (scope, key)) WITHOUT ROWID;
        """

    /// Creates the file 0600 before SQLite does (SQLite would follow the umask, and gives its
    /// journal the database's mode), and refuses anything but a regular file: a FIFO in its
    /// place would hang the run.
    private static func prepareFile(_ path: String) throws {
        var info = stat()
        if lstat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                throw StateDatabaseError(path: path, reason: "not a regular file")
            }
            if info.st_mode & 0o077 != 0, chmod(path, 0o600) != 0 {
                throw StateDatabaseError(path: path, reason: "cannot make it private (chmod 600): \(String(cString: strerror(errno)))")
            }
            return
        }
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if fd < 0 {
            if errno == EEXIST { return try prepareFile(path) }
            throw StateDatabaseError(path: path, reason: String(cString: strerror(errno)))
        }
        fchmod(fd, 0o600)
        close(fd)
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? "SQLite error \(error.resultCode.rawValue)"
        }
        return "\(error)"
    }

    private func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else { throw StateDatabaseError(path: path, reason: "transaction rolled back") }
                return result
            }
        } catch let error as StateDatabaseError {
            throw error
        } catch {
            throw StateDatabaseError(path: path, reason: Self.describe(error))
        }
    }

    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.read(body)
        } catch let error as StateDatabaseError {
            throw error
        } catch {
            throw StateDatabaseError(path: path, reason: Self.describe(error))
        }
    }

    private static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    // MARK: coclick.state

    /// The JSON text stored for `key`, nil when there is none.
    public func value(namespace: String, key: String) throws -> String? {
        let text = try read { db in
            try String.fetchOne(
                db, sql: "SELECT value FROM kv WHERE namespace = ? AND key = ?",
                arguments: [namespace, key])
        }
        if let text, text.utf8.count > Self.maxValueBytes {
            throw StateDatabaseError(path: path, reason: "the value of \"\(key)\" is larger than \(Self.maxValueBytes) bytes")
        }
        return text
    }

    /// Stores `json` for `key`, durably, replacing any value.
    public func setValue(_ json: String, namespace: String, key: String) throws {
        guard json.utf8.count <= Self.maxValueBytes else {
            throw StateDatabaseError(path: path, reason: "a value is limited to \(Self.maxValueBytes) bytes of JSON, got \(json.utf8.count)")
        }
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO kv (namespace, key, value, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                    """, arguments: [namespace, key, json, Self.now()])
        }
    }

    public func deleteValue(namespace: String, key: String) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM kv WHERE namespace = ? AND key = ?", arguments: [namespace, key])
        }
    }

    // MARK: Runs

    /// Epoch seconds at which the last run of `namespace` that exited 0 started.
    public func lastSuccess(namespace: String) throws -> Double? {
        try read { db in
            try Double.fetchOne(
                db, sql: "SELECT last_success_started_at FROM runs WHERE namespace = ?",
                arguments: [namespace])
        }
    }

    /// Records a run of `namespace` that started at `startedAt` and exited 0. A run that
    /// started earlier than the one recorded (two overlapping runs) does not move it back.
    public func recordSuccess(namespace: String, startedAt: Double) throws {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO runs (namespace, last_success_started_at) VALUES (?, ?)
                    ON CONFLICT (namespace) DO UPDATE SET last_success_started_at =
                        max(last_success_started_at, excluded.last_success_started_at)
                    """, arguments: [namespace, startedAt])
        }
    }

    // MARK: The creation journal

    /// The journal entry of `key` at `scope` (the API base URL), nil when there is none.
    public func creation(scope: String, key: String) throws -> CreationRecord? {
        try read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT state, meeting_id, user, starts_at, cobrowsing_url, requested_at
                        FROM creations WHERE scope = ? AND key = ?
                        """, arguments: [scope, key])
            else { return nil }
            let state: String = row["state"]
            let meetingID: String? = row["meeting_id"]
            if state == "created", let meetingID {
                return CreationRecord(
                    key: key, outcome: .created(meetingID: meetingID), user: row["user"],
                    startsAt: row["starts_at"], cobrowsingURL: row["cobrowsing_url"],
                    requestedAt: row["requested_at"])
            }
            return CreationRecord(
                key: key, outcome: .pending, user: row["user"], startsAt: row["starts_at"],
                cobrowsingURL: row["cobrowsing_url"], requestedAt: row["requested_at"])
        }
    }

    /// Journals `key` as pending, before its POST. False when the key already has an entry
    /// (another run got there first): the caller reads it instead.
    public func beginCreation(
        scope: String, key: String, user: String?, startsAt: String?,
        cobrowsingURL: String?
    ) throws -> Bool {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO creations (scope, key, state, user, starts_at, cobrowsing_url, requested_at)
                    VALUES (?, ?, 'pending', ?, ?, ?, ?) ON CONFLICT (scope, key) DO NOTHING
                    """, arguments: [scope, key, user, startsAt, cobrowsingURL, Self.now()])
            return db.changesCount > 0
        }
    }

    /// Journals `key` as created, with its meeting's id.
    public func finishCreation(scope: String, key: String, meetingID: String) throws {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE creations SET state = 'created', meeting_id = ?, finished_at = ? WHERE scope = ? AND key = ?
                    """, arguments: [meetingID, Self.now(), scope, key])
        }
    }

    /// Forgets a pending `key` whose POST certainly created nothing (the server refused it, or
    /// it was never sent), so that a later run may try again.
    public func forgetPendingCreation(scope: String, key: String) throws {
        try write { db in
            try db.execute(
                sql: "DELETE FROM creations WHERE scope = ? AND key = ? AND state = 'pending'",
                arguments: [scope, key])
        }
    }
}

/// A journaled `create(fields, {key=})`.
public struct CreationRecord: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// Journaled before the POST, no outcome journaled after it: a crash, a kill, a timeout.
        case pending
        case created(meetingID: String)
    }
    public var key: String
    public var outcome: Outcome
    public var user: String?
    /// As sent in the POST.
    public var startsAt: String?
    public var cobrowsingURL: String?
    /// Epoch seconds.
    public var requestedAt: Double
}

/// The state database could not be opened, read or written.
public struct StateDatabaseError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "state database \(path): \(reason)" }
}
