import CoClickAPI

/// Makes the run's `CoClickClient` at the first API call and keeps it, so that a script that
/// never calls the API needs no key pair. Used from the Lua thread only.
final class ClientProvider {
    private let make: () throws -> CoClickClient
    private(set) var client: CoClickClient?

    init(make: @escaping () throws -> CoClickClient) {
        self.make = make
    }

    func get() throws -> CoClickClient {
        if let client { return client }
        let made = try make()
        client = made
        return made
    }

    /// Closes the client's connection pool, if one was made.
    func shutdown() {
        guard let client else { return }
        self.client = nil
        _ = try? BlockingTask.run { try await client.shutdown() }
    }
}

extension ClientProvider {
    /// `-v`: one line per HTTP attempt on standard error, with every known secret redacted.
    static func traceHook(verbose: Bool, redaction: RedactionBox) -> (@Sendable (HTTPTraceEvent) -> Void)? {
        guard verbose else { return nil }
        return { event in
            StandardStreams.writeError(redaction.redact("coclick: http: \(event)") + "\n")
        }
    }

    /// The client of a configured profile: key pair resolved now (running `secret_key_command`
    /// if the profile has one), tokens cached in the XDG cache directory.
    static func configured(options: RunOptions, resolver: ConfigurationResolver?,
                           preliminary: Result<ResolvedConfiguration, ConfigurationError>,
                           redaction: RedactionBox, statistics: ClientStatistics? = nil) -> ClientProvider {
        ClientProvider {
            do {
                var resolved = try preliminary.get()
                if resolved.keyPair == nil, resolved.sources.secretKey != nil, let resolver {
                    resolved = try resolver.resolve(options.flags, runSecretKeyCommand: true)
                }
                let pair = try resolved.requireKeyPair()
                redaction.add(pair.secretKey)
                var configuration = CoClickConfiguration(
                    baseURL: resolved.baseURL,
                    credentials: Credentials(secretID: pair.secretID, secretKey: pair.secretKey))
                configuration.profile = resolved.profile
                try RequestTimeout.apply(to: &configuration, environment: options.environment)
                let store = RecordingTokenStore(base: FileTokenStore(directory: resolved.paths.cacheDirectory),
                                                redaction: redaction)
                return CoClickClient(configuration: configuration, tokenStore: store,
                                     trace: traceHook(verbose: options.verbose, redaction: redaction),
                                     statistics: statistics)
            } catch let error as ConfigurationError {
                throw ClientConfigurationError(error)
            }
        }
    }

    /// The client of the in-process sandbox: its demo key pair, tokens in memory.
    static func sandbox(baseURL: String, secretID: String, secretKey: String, verbose: Bool,
                        redaction: RedactionBox, statistics: ClientStatistics? = nil) -> ClientProvider {
        redaction.add(secretKey)
        return ClientProvider {
            var configuration = CoClickConfiguration(
                baseURL: baseURL, credentials: Credentials(secretID: secretID, secretKey: secretKey))
            configuration.profile = "sandbox"
            let store = RecordingTokenStore(base: MemoryTokenStore(), redaction: redaction)
            return CoClickClient(configuration: configuration, tokenStore: store,
                                 trace: traceHook(verbose: verbose, redaction: redaction), statistics: statistics)
        }
    }
}
