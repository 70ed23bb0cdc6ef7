import CoClickAPI
import CoClickConfig
import CoClickLua
import CoClickREPL
import CoClickSandbox

/// Everything one run of `coclick` needs: the resolved configuration, the in-process sandbox
/// (`--sandbox`), the lazily made API client, and a Lua state with the coclick bindings.
///
/// Made, used and closed on the calling thread (the main thread), which also runs Lua; the
/// client's and the sandbox's async work runs on the concurrency pool.
package final class Session {
    package let options: RunOptions
    package let state: LuaState
    /// The profile, or "sandbox" (named in the REPL prompt).
    package let promptName: String
    /// `$XDG_STATE_HOME/coclick/history`, nil when no home directory is known.
    package let historyPath: String?
    /// The run's secrets, shared with the client: every output path redacts with it.
    let redaction: Redaction
    let provider: ClientProvider
    /// What the client did (`--report`).
    let statistics: ClientStatistics
    /// The state database, its namespace and the run's start (`coclick.state`, `coclick.run`).
    let runState: RunState
    /// The configuration as resolved at start (`secret_key_command` included).
    let preliminary: PreliminaryConfiguration?
    /// The in-process sandbox's base URL (`--sandbox`).
    package var sandboxBaseURL: String? { sandbox?.baseURL }
    private var sandbox: SandboxServer?

    /// - Throws: `SessionStartError` (the sandbox could not start), `LuaError` (no memory for
    ///   the Lua state).
    package init(options: RunOptions) throws {
        self.options = options
        let redaction = Redaction()
        self.redaction = redaction
        let paths = try? XDGPaths(variables: options.variables)
        historyPath = paths?.historyFile
        runState = RunState(
            namespace: options.unattended.namespace,
            startedAt: options.unattended.startedAt ?? RunState.now(),
            directory: paths?.stateDirectory)
        let statistics = ClientStatistics()
        self.statistics = statistics

        if options.sandbox {
            let server: SandboxServer
            do {
                server = try waitForAsyncWork { try await SandboxServer.start(SandboxConfiguration()) }
            } catch {
                throw SessionStartError(message: "cannot start the sandbox: \(error)", status: ExitStatus.unavailable)
            }
            sandbox = server
            provider = .sandbox(
                baseURL: server.baseURL, secretID: server.secretID, secretKey: server.secretKey,
                options: options, redaction: redaction, statistics: statistics)
            promptName = "sandbox"
            preliminary = nil
        } else {
            let preliminary = Self.resolve(options)
            if case .failed(let error) = preliminary, error.code == .unsafeFile {
                // Refused at once, API call or not: the run must not go on as if configured.
                throw SessionStartError(message: ClientConfigurationError(error).message, status: ExitStatus.configuration)
            }
            self.preliminary = preliminary
            if case .resolved(let resolved) = preliminary {
                for warning in resolved.warnings { StandardStreams.writeError(warning + "\n") }
                // Known from the start, so that no output or history line of the run holds it,
                // even one written before the first API call.
                if let pair = resolved.keyPair { redaction.add(pair.secretKey) }
            }
            provider = .configured(options: options, resolved: preliminary, redaction: redaction, statistics: statistics)
            promptName =
                (try? preliminary.get().profile)
                ?? options.profile ?? options.variables[ConfigurationVariable.profile]
                ?? ConfigurationDefaults.profile
        }

        // log.* lines are time-stamped by the state; the key and tokens are hidden here, as in
        // every other message a run writes to standard error.
        var configuration = LuaState.Configuration(
            quiet: options.quiet,
            logSink: { line in
                StandardStreams.writeError(redaction.redact(line) + "\n")
            }, terminalColumns: Terminal.columns)
        if let megabytes = options.maxMemoryMB { configuration.maxMemoryBytes = megabytes * 1024 * 1024 }
        if let paths = try? XDGPaths(variables: options.variables) {
            configuration.compiledChunks = CompiledChunkFolder(folder: paths.cacheDirectory)
        }
        do {
            state = try LuaState(configuration: configuration)
        } catch {
            provider.shutdown()
            if let server = sandbox { _ = try? waitForAsyncWork { await server.stop() } }
            throw error
        }
        SessionBindings.install(
            in: state, provider: provider, runState: runState,
            dryRun: options.dryRun
                ? DryRun(log: { line in
                    StandardStreams.writeError(redaction.redact(line) + "\n")
                }) : nil)
    }

    /// Resolves the configuration, running `secret_key_command` now: the key must be known to
    /// the redaction before the first line is read or printed. A configuration error is kept
    /// for the first API call rather than failing a script that never calls the API. On the
    /// calling thread alone unless there is a command to run (no task, no concurrency pool).
    private static func resolve(_ options: RunOptions) -> PreliminaryConfiguration {
        do {
            let resolver = try ConfigurationResolver(variables: options.variables)
            switch try resolver.begin(options.flags, runSecretKeyCommand: true) {
            case .resolved(let resolved):
                return .resolved(resolved)
            case .needsSecretKeyCommand(let pending):
                return .resolved(try waitForAsyncWork { try await pending.finish() })
            }
        } catch let error as ConfigurationError {
            return .failed(error)
        } catch {
            return .failed(ConfigurationError(.invalidValue, "\(error)"))
        }
    }

    /// `text` with the key and every token seen so far replaced by `[REDACTED]`.
    package func redact(_ text: String) -> String { redaction.redact(text) }

    /// Closes the client and stops the sandbox. Idempotent.
    package func close() {
        provider.shutdown()
        if let server = sandbox {
            sandbox = nil
            _ = try? waitForAsyncWork { await server.stop() }
        }
    }
}

/// The configuration as resolved at a session's start, or why it could not be. Not a `Result`:
/// the first use of a `Result<ResolvedConfiguration, ConfigurationError>` checks its
/// `Failure: Error` requirement at run time, a scan of every protocol conformance in the binary
/// (twice per run, about a tenth of a millisecond each).
enum PreliminaryConfiguration {
    case resolved(ResolvedConfiguration)
    case failed(ConfigurationError)

    func get() throws(ConfigurationError) -> ResolvedConfiguration {
        switch self {
        case .resolved(let resolved): return resolved
        case .failed(let error): throw error
        }
    }
}
