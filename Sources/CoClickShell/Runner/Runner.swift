import CoClickAPI
import CoClickLua
import Foundation

/// What to run.
public enum RunMode: Sendable, Equatable {
    /// `coclick` alone: the REPL on a terminal, else a chunk read from standard input.
    case standardInput
    /// `coclick run FILE [ARG...]` (FILE `-`: standard input).
    case file(String, arguments: [String])
    /// `coclick eval CODE` / `coclick -e CODE`: the values it returns are printed.
    case eval(String)
}

/// Runs a chunk, a script or the REPL in a `Session` on the calling thread (the main thread)
/// and returns the SPEC's exit status.
public enum Runner {
    /// - Parameter deadline: when `--timeout` elapses, measured from the process start.
    public static func run(_ mode: RunMode, options: RunOptions, deadline: ContinuousClock.Instant?,
                           version: String) -> Int32 {
        var options = options
        options.unattended.startedAt = RunState.now()
        options.unattended.namespace = RunState.namespace(for: mode, options: options)
        let supervision = RunSupervision(options: options)
        if let status = supervision.begin(deadline: deadline) {
            return supervision.finish(status: status)
        }
        let status = runSession(mode, options: options, deadline: deadline, version: version, supervision: supervision)
        return supervision.finish(status: status)
    }

    private static func runSession(_ mode: RunMode, options: RunOptions, deadline: ContinuousClock.Instant?,
                                   version: String, supervision: RunSupervision) -> Int32 {
        if case .file(let path, _) = mode, path != "-", !FileManager.default.isReadableFile(atPath: path) {
            let reason = FileManager.default.fileExists(atPath: path) ? "not readable" : "no such file"
            StandardStreams.writeError("coclick: cannot open \(path) (\(reason))\n")
            supervision.noteError("cannot open \(path) (\(reason))")
            return ExitStatus.usage
        }
        let session: Session
        switch Session.opened(options) {
        case .success(let opened): session = opened
        case .failure(let failure):
            supervision.noteError(failure.message)
            return failure.status
        }
        defer { session.close() }
        supervision.attach(session)

        if mode == .standardInput, StandardStreams.inputIsTerminal {
            return runREPL(session, version: version)
        }

        let runGuard = RunGuard(state: session.state.L, deadline: deadline)
        runGuard.arm()
        var failure: LuaError?
        var values: [LuaValue] = []
        do {
            switch mode {
            case .standardInput:
                values = try session.state.run(file: "-")
            case .file(let path, let arguments):
                values = try session.state.run(file: path, arguments: arguments)
            case .eval(let code):
                values = try session.state.evaluate(code, chunkName: "=(command line)")
            }
        } catch let error as LuaError {
            failure = error
        } catch {
            failure = LuaError(kind: .runtime, message: "\(error)")
        }
        if let stop = runGuard.disarm() {
            StandardStreams.flush()
            StandardStreams.writeError("coclick: \(RunGuard.message(for: stop))\n")
            supervision.noteError(RunGuard.message(for: stop))
            return stop.status
        }
        if let failure {
            StandardStreams.flush()
            StandardStreams.writeError(session.redact(report(failure)) + "\n")
            supervision.noteError(failure.message)
            return ExitStatus.of(failure)
        }
        if case .eval = mode {
            return printResults(values, json: options.json, session: session)
        }
        return ExitStatus.success
    }

    /// `coclick: FILE:LINE: message` and the traceback, as `lua` prints an uncaught error.
    static func report(_ error: LuaError) -> String {
        var text = "coclick: " + error.message
        if let traceback = error.traceback, !traceback.isEmpty { text += "\n" + traceback }
        return text
    }

    /// Prints the values `eval` returned, one per line: `pp`'s rendering, or JSON with `--json`.
    static func printResults(_ values: [LuaValue], json: Bool, session: Session) -> Int32 {
        for (index, value) in values.enumerated() {
            if json {
                guard let encoded = value.json else {
                    StandardStreams.flush()
                    StandardStreams.writeError("coclick: result \(index + 1) is a \(value.type.name), which has no JSON form\n")
                    return ExitStatus.luaError
                }
                StandardStreams.writeOutput(encoded.jsonText() + "\n")
            } else {
                StandardStreams.writeOutput(value.rendered + "\n")
            }
        }
        StandardStreams.flush()
        return ExitStatus.success
    }

    private static func runREPL(_ session: Session, version: String) -> Int32 {
        var banner = "coclick \(version) (Lua 5.4): help() lists the bindings, Ctrl-D leaves"
        if session.sandboxBaseURL != nil {
            banner += "\nsandbox: demo data, no key needed. Try: coclick.meetings.list{}"
        }
        var settings = REPLSettings(
            promptName: session.promptName,
            historyPath: session.historyPath,
            banner: banner,
            environment: session.options.environment)
        let redaction = session.redaction
        settings.redact = { redaction.redact($0) }
        session.state.interruptOnSIGINT()
        defer { session.state.interruptOnSIGINT(false) }
        return REPL(state: session.state, settings: settings).run()
    }
}
