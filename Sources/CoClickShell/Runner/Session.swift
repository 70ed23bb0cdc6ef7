import CoClickAPI
import CoClickLua
import CoClickSandbox

/// Everything one run of `coclick` needs: the resolved configuration, the in-process sandbox
/// (`--sandbox`), the lazily made API client, and a Lua state with the coclick bindings.
///
/// Made, used and closed on the calling thread (the main thread), which also runs Lua; the
/// client's and the sandbox's async work runs on the concurrency pool.
public final class Session {
    public let options: RunOptions
    public let state: LuaState
    /// The profile, or "sandbox" (named in the REPL prompt).
    public let promptName: String
    /// `$XDG_STATE_HOME/coclick/history`, nil when no home directory is known.
    public let historyPath: String?
    let redaction: RedactionBox
    let provider: ClientProvider
    /// What the client did (`--report`).
    let statistics: ClientStatistics
    /// The state database, its namespace and the run's start (`coclick.state`, `coclick.run`).
    let runState: RunState
    /// The configuration as resolved at start (without running `secret_key_command`).
    let preliminary: Result<ResolvedConfiguration, ConfigurationError>?
    /// The in-process sandbox's base URL (`--sandbox`).
    public var sandboxBaseURL: String? { sandbox?.baseURL }
    private var sandbox: SandboxServer?

    /// - Throws: `SessionStartError` (the sandbox could not start), `LuaError` (no memory for
    ///   the Lua state).
    public init(options: RunOptions) throws {
        self.options = options
        let redaction = RedactionBox()
        self.redaction = redaction
        let paths = try? XDGPaths(environment: options.environment)
        historyPath = paths?.historyFile
        runState = RunState(namespace: options.unattended.namespace,
                            startedAt: options.unattended.startedAt ?? RunState.now(),
                            directory: paths?.stateDirectory)
        let statistics = ClientStatistics()
        self.statistics = statistics

        if options.sandbox {
            let server: SandboxServer
            do {
                server = try BlockingTask.run { try await SandboxServer.start(SandboxConfiguration()) }
            } catch {
                throw SessionStartError(message: "cannot start the sandbox: \(error)", status: 5)
            }
            sandbox = server
            provider = .sandbox(baseURL: server.baseURL, secretID: server.secretID, secretKey: server.secretKey,
                                verbose: options.verbose, redaction: redaction, statistics: statistics)
            promptName = "sandbox"
            preliminary = nil
        } else {
            let resolver = try? ConfigurationResolver(environment: options.environment)
            let preliminary = Self.resolve(options, resolver)
            self.preliminary = preliminary
            if case .success(let resolved) = preliminary {
                for warning in resolved.warnings { StandardStreams.writeError(warning + "\n") }
                // Hidden from error messages even before the first API call.
                if let pair = resolved.keyPair { redaction.add(pair.secretKey) }
            }
            provider = .configured(options: options, resolver: resolver, preliminary: preliminary,
                                   redaction: redaction, statistics: statistics)
            promptName = (try? preliminary.get().profile)
                ?? options.profile ?? options.environment[ConfigurationVariable.profile]
                ?? ConfigurationDefaults.profile
        }

        // log.* lines are time-stamped by the state; the key and tokens are hidden here, as in
        // every other message a run writes to standard error.
        var configuration = LuaState.Configuration(quiet: options.quiet, logSink: { line in
            StandardStreams.writeError(redaction.redact(line) + "\n")
        })
        if let megabytes = options.maxMemoryMB { configuration.maxMemoryBytes = megabytes * 1024 * 1024 }
        do {
            state = try LuaState(configuration: configuration)
        } catch {
            provider.shutdown()
            if let server = sandbox { _ = try? BlockingTask.run { await server.stop() } }
            throw error
        }
        SessionBindings.install(in: state, provider: provider, runState: runState)
    }

    /// Resolves without running `secret_key_command` (the key is needed at the first API call
    /// only). A configuration error is kept for that call rather than failing a script that
    /// never calls the API.
    private static func resolve(_ options: RunOptions, _ resolver: ConfigurationResolver?)
        -> Result<ResolvedConfiguration, ConfigurationError> {
        do {
            guard let resolver else {
                _ = try XDGPaths(environment: options.environment)  // throws the no-home error
                throw ConfigurationError(.noHomeDirectory, "cannot find a home directory: set HOME")
            }
            return .success(try resolver.resolve(options.flags, runSecretKeyCommand: false))
        } catch let error as ConfigurationError {
            return .failure(error)
        } catch {
            return .failure(ConfigurationError(.invalidValue, "\(error)"))
        }
    }

    /// `text` with the key and every token seen so far replaced by `[REDACTED]`.
    public func redact(_ text: String) -> String { redaction.redact(text) }

    /// Closes the client and stops the sandbox. Idempotent.
    public func close() {
        provider.shutdown()
        if let server = sandbox {
            sandbox = nil
            _ = try? BlockingTask.run { await server.stop() }
        }
    }
}
