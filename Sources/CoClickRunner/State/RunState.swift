import CoClickConfig
import CoClickState
import Glibc

/// This run's view of the state database: its namespace, when it started, and the database,
/// opened at first use (a script that never uses state, and `eval`, cost no SQLite).
/// Used on the Lua thread only.
final class RunState {
    /// The script's absolute path, or `--state NAME`; nil for `eval` and standard input.
    let namespace: String?
    /// Epoch seconds when the process started.
    let startedAt: Double
    /// `$XDG_STATE_HOME/coclick`, nil when no home directory is known.
    let directory: String?
    private var opened: StateDatabase?
    private var lastSuccessRead: Double??

    static let fileName = "state.db"

    init(namespace: String?, startedAt: Double, directory: String?) {
        self.namespace = namespace
        self.startedAt = startedAt
        self.directory = directory
    }

    /// The namespace of `options` for `mode`: `--state NAME`, else the absolute path of the
    /// script (symbolic links resolved, so that two ways to name it share one namespace).
    static func namespace(for mode: RunMode, options: RunOptions) -> String? {
        if let name = options.unattended.stateName { return name }
        guard case .file(let path, _) = mode, path != "-" else { return nil }
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Epoch seconds, now.
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// The database, opened (and its folder made, 0700) at the first call.
    func database() throws -> StateDatabase {
        if let opened { return opened }
        guard let directory else {
            throw StateDatabaseError(
                path: "$XDG_STATE_HOME/coclick/\(Self.fileName)", reason: "cannot find a home directory: set HOME or XDG_STATE_HOME")
        }
        do {
            try FileAccess.makeDirectories(directory, mode: 0o700)
        } catch {
            throw StateDatabaseError(path: directory, reason: "cannot create the folder: \(error.message)")
        }
        let database = try StateDatabase(path: directory + "/" + Self.fileName)
        opened = database
        return database
    }

    /// The namespace, or the error that says how to give one.
    func requireNamespace(_ what: String) throws -> String {
        guard let namespace else {
            throw StateDatabaseError(
                path: directory.map { $0 + "/" + Self.fileName } ?? Self.fileName,
                reason: "\(what) needs a namespace: run a script file (coclick run FILE) or pass --state NAME")
        }
        return namespace
    }

    /// `coclick.run.last_success`, read once: nil on the first run, or without a namespace.
    func lastSuccess() throws -> Double? {
        if let read = lastSuccessRead { return read }
        guard let namespace else {
            lastSuccessRead = .some(nil)
            return nil
        }
        let value = try database().lastSuccess(namespace: namespace)
        lastSuccessRead = value
        return value
    }

    /// Records that this run exited 0. Nil when done (or nothing to record); else a warning.
    func recordSuccess() -> String? {
        guard let namespace else { return nil }
        do {
            try database().recordSuccess(namespace: namespace, startedAt: startedAt)
            return nil
        } catch {
            return "coclick: warning: could not record this run's success for coclick.run.last_success: \(error)"
        }
    }
}
