import CoClickAPI
import CoClickLua
import CoClickREPL
import Foundation

/// What to run.
package enum RunMode: Sendable, Equatable {
    /// `coclick` alone: the REPL on a terminal, else a chunk read from standard input.
    case standardInput
    /// `coclick run FILE [ARG...]` (FILE `-`: standard input).
    case file(String, arguments: [String])
    /// `coclick eval CODE` / `coclick -e CODE`: the values it returns are printed.
    case eval(String)
    /// `coclick api METHOD PATH ...`: the body of the reply is printed.
    case api(APIRequest)
}

/// Runs a chunk, a script or the REPL in a `Session` on the calling thread (the main thread)
/// and returns the SPEC's exit status.
package enum Runner {
    /// - Parameter deadline: when `--timeout` elapses, measured from the process start.
    package static func run(
        _ mode: RunMode, options: RunOptions, deadline: ContinuousClock.Instant?,
        version: String
    ) -> Int32 {
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

    private static func runSession(
        _ mode: RunMode, options: RunOptions, deadline: ContinuousClock.Instant?,
        version: String, supervision: RunSupervision
    ) -> Int32 {
        if case .file(let path, _) = mode, path != "-", !FileManager.default.isReadableFile(atPath: path) {
            let reason = FileManager.default.fileExists(atPath: path) ? "not readable" : "no such file"
            StandardStreams.writeError("coclick: cannot open \(path) (\(reason))\n")
            supervision.noteError("cannot open \(path) (\(reason))")
            return ExitStatus.usage
        }
        // Armed before the configuration is read: a FIFO in its place or a slow
        // secret_key_command is bounded by --timeout too.
        let runGuard = RunGuard(deadline: deadline)
        runGuard.arm()
        let session: Session
        switch Session.opened(options) {
        case .success(let opened): session = opened
        case .failure(let failure):
            _ = runGuard.disarm()
            supervision.noteError(failure.message)
            return failure.status
        }
        defer { session.close() }
        supervision.attach(session)

        if mode == .standardInput, StandardStreams.inputIsTerminal {
            // The REPL handles Ctrl-C itself; --timeout bounds unattended runs only.
            if let stop = runGuard.disarm() {
                StandardStreams.writeError("coclick: \(RunGuard.message(for: stop))\n")
                return stop.status
            }
            return runREPL(session, version: version)
        }

        runGuard.attach(session.state.interruptHandle)
        var failure: LuaError?
        var output: String?
        // Nothing is cut or elided unless a person reads it on a terminal.
        let whole = !StandardStreams.outputIsTerminal
        do {
            switch mode {
            case .standardInput:
                _ = try session.state.run(file: "-")
            case .file(let path, let arguments):
                _ = try session.state.run(file: path, arguments: arguments)
            case .eval(let code):
                // Tried as `return CODE` first, as the REPL does: `coclick eval '1+1'` prints 2.
                output = try session.state.evaluate(
                    LuaSession(state: session.state).firstChunk(code), chunkName: "=(command line)",
                    output: options.outputFormat(default: .pretty), whole: whole)
            case .api(let request):
                output = try request.run(in: session.state, format: options.outputFormat(default: .json), whole: whole)
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
            StandardStreams.noteReported(failure.message)
            supervision.noteError(failure.message)
            return ExitStatus.of(failure)
        }
        if let output {
            StandardStreams.writeOutput(session.redact(output))
            StandardStreams.flush()
        }
        return ExitStatus.success
    }

    /// `coclick: FILE:LINE: message` and the traceback, as `lua` prints an uncaught error.
    static func report(_ error: LuaError) -> String {
        var text = "coclick: " + error.message
        if let traceback = error.traceback, !traceback.isEmpty { text += "\n" + traceback }
        return text
    }

    private static func runREPL(_ session: Session, version: String) -> Int32 {
        var banner = "coclick \(version) (Lua 5.4): help() lists the bindings, Ctrl-D leaves"
        banner += "\n_ is the last result, edit() reopens the last entry in $EDITOR, watch(f) reruns f every 2s"
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
        REPL(state: session.state, settings: settings).run()
        return ExitStatus.success
    }
}
