import CoClickAPI
import CoClickConfig
import CoClickLua
import Foundation

/// What an unattended run adds around the script (SPEC "Commands", for cron and systemd):
/// `--lock` before it, `--ping` at both ends, `--report` and the record behind
/// `coclick.run.last_success` at its end, however it ends: returning, an error, a stop, or
/// `os.exit` (whose hook calls `finish` before the process leaves).
final class RunSupervision {
    let options: RunOptions
    private let startedAt: Double
    private let started = ContinuousClock.now
    private var tail: StandardErrorTail?
    /// Holds the lock until the process ends (never closed: closing would release it early).
    private var lockDescriptor: Int32?
    private var errorMessage: String?
    private var finishedStatus: Int32?
    private let finishing = NSLock()
    // From the session, kept past its close.
    private var redaction: Redaction?
    private var statistics: ClientStatistics?
    private var runState: RunState?

    init(options: RunOptions) {
        self.options = options
        startedAt = options.unattended.startedAt ?? RunState.now()
    }

    private var unattended: UnattendedOptions { options.unattended }

    /// Before the run: the stderr tail (for `--ping`), the lock, the start ping. Returns the
    /// status to end with when the run must not go on (the lock is held elsewhere).
    func begin(deadline: ContinuousClock.Instant?) -> Int32? {
        if unattended.pingURL != nil { tail = StandardErrorTail() }
        if unattended.pingURL != nil || unattended.reportPath != nil {
            RunGuard.beforeForcedExit = { [self] status, message in
                noteError(message)
                _ = finish(status: status)
            }
        }
        if let name = unattended.lockName {
            switch RunLock.acquire(name, wait: unattended.lockWait, deadline: deadline, environment: options.environment) {
            case .success(let fd): lockDescriptor = fd
            case .failure(let failure):
                StandardStreams.writeError(failure.message + "\n")
                noteError(failure.message)
                return failure.status
            }
        }
        if let url = unattended.pingURL { ping(Self.join(url, "start"), method: .get) }
        return nil
    }

    /// Keeps what the end needs from the session, and hooks `os.exit`.
    func attach(_ session: Session) {
        redaction = session.redaction
        statistics = session.statistics
        runState = session.runState
        installExitHook(session.state)
    }

    /// The run's error, for the report (redacted when written).
    func noteError(_ message: String) {
        var message = message
        if message.hasPrefix("coclick: ") { message.removeFirst("coclick: ".count) }
        if errorMessage == nil { errorMessage = message }
    }

    /// After the run (once; later calls return the first status): records a success, writes
    /// the report, sends the end ping. Returns the exit status: the run's, or 74 when the
    /// report of a successful run could not be written.
    func finish(status: Int32) -> Int32 {
        // The Lua thread, or the run guard's watcher when Lua does not come back: one at a time.
        finishing.lock()
        defer { finishing.unlock() }
        if let finishedStatus { return finishedStatus }
        var status = status
        finishedStatus = status
        StandardStreams.flush()
        if let path = unattended.reportPath, !writeReport(path, status: status), status == ExitStatus.success {
            status = ExitStatus.outputFailed
        }
        if status == ExitStatus.success, let warning = runState?.recordSuccess() {
            StandardStreams.writeError(redact(warning) + "\n")
        }
        // Everything above wrote to standard error before the tail is taken.
        let tailText = tail.map { redact(String(decoding: $0.stop(), as: UTF8.self)) }
        if let url = unattended.pingURL {
            let target = status == ExitStatus.success ? Self.trimmed(url) : Self.join(url, String(status))
            ping(target, method: .post, body: Array((tailText ?? "").utf8))
        }
        finishedStatus = status
        return status
    }

    private func redact(_ text: String) -> String { redaction?.redact(text) ?? text }

    // MARK: --report

    /// Writes the report atomically; false (after a warning) when it could not be written.
    private func writeReport(_ path: String, status: Int32) -> Bool {
        let finishedAt = RunState.now()
        let elapsed = ContinuousClock.now - started
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        let counts = statistics?.snapshot ?? ClientStatistics.Counts()
        let report: JSONValue = .object([
            "started_at": .string(APIDate.format(Date(timeIntervalSince1970: startedAt))),
            "finished_at": .string(APIDate.format(Date(timeIntervalSince1970: finishedAt))),
            "duration_ms": .integer(milliseconds),
            "exit_status": .integer(Int64(status)),
            "requests": .integer(Int64(counts.requests)),
            "retries": .integer(Int64(counts.retries)),
            "pages": .integer(Int64(counts.pages)),
            "meetings_read": .integer(Int64(counts.meetingsRead)),
            "meetings_created": .integer(Int64(counts.meetingsCreated)),
            "bytes_received": .integer(Int64(counts.bytesReceived)),
            "error": errorMessage.map { .string(redact($0)) } ?? .null,
        ])
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        do {
            try FileAccess.writeAtomically(Array((report.jsonText(pretty: true) + "\n").utf8), to: absolute, mode: 0o644)
            return true
        } catch {
            StandardStreams.writeError("coclick: cannot write the report \(path): \(error.message)\n")
            return false
        }
    }

    // MARK: --ping

    /// One ping; a failure is a warning (naming only the host: the URL's path is its secret).
    private func ping(_ url: String, method: HealthPing.Method, body: [UInt8] = []) {
        do {
            let status = try waitForAsyncWork { try await HealthPing.send(method, url: url, body: body) }
            if !(200..<300).contains(status) {
                StandardStreams.writeError("coclick: warning: --ping: \(Self.host(url)) answered \(status)\n")
            }
        } catch {
            let reason = (error as? CoClickError)?.message ?? "\(error)"
            StandardStreams.writeError(redact("coclick: warning: --ping: \(reason)") + "\n")
        }
    }

    static func trimmed(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    static func join(_ url: String, _ last: String) -> String { trimmed(url) + "/" + last }

    static func host(_ url: String) -> String {
        guard let parsed = URL(string: url), let host = parsed.host else { return "the ping URL" }
        return "\(parsed.scheme ?? "https")://\(host)\(parsed.port.map { ":\($0)" } ?? "")"
    }

    // MARK: os.exit

    /// `os.exit(code [, close])` ends the process from inside Lua: wrap it so that `finish`
    /// runs first with the status it gives (true or nothing: 0; false: 1; a number: that,
    /// as the shell will see it).
    private func installExitHook(_ state: LuaState) {
        let hook: LuaFunction = { [self] call in
            let status: Int32
            switch call.type(1) {
            case .none, .nil: status = 0
            case .boolean: status = call.boolean(1) ? 0 : 1
            default:
                // Not a number: os.exit raises its own error, and the run goes on.
                guard let value = try? call.integer(1) else { return .none }
                status = Int32(truncatingIfNeeded: value) & 0xFF
            }
            let final = finish(status: status)
            // The end changed the status (a report that could not be written): leave with it.
            if final != status {
                StandardStreams.flush()
                exit(final)
            }
            return .none
        }
        do {
            try state.hook("exit", in: "os", before: hook)
        } catch {
            StandardStreams.writeError("coclick: warning: cannot hook os.exit: \(error)\n")
        }
    }
}
