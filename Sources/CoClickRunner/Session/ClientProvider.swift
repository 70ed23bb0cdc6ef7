import CoClickAPI
import CoClickConfig
import CoClickLua

/// The one lazy client cache: makes the run's `CoClickClient` at the first API call and keeps
/// it, so that a script that never calls the API needs no key pair. The bindings ask it at
/// every call; a failed make is not kept (the next call tries again). Used from the Lua
/// thread only.
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
        _ = try? waitForAsyncWork { try await client.shutdown() }
    }
}

extension ClientProvider {
    /// `-v`: one line per HTTP attempt on standard error, with every known secret redacted.
    static func traceHook(verbose: Bool, redaction: Redaction) -> (@Sendable (HTTPTraceEvent) -> Void)? {
        guard verbose else { return nil }
        return { event in
            StandardStreams.writeError(redaction.redact("coclick: http: \(event)") + "\n")
        }
    }

    /// What the environment sets for the client: `COCLICK_REQUEST_TIMEOUT`, and extra trusted
    /// roots (`SSL_CERT_FILE`, `SSL_CERT_DIR`), whatever the base URL's scheme: the same client
    /// posts to https webhooks (`coclick.http.post_json`).
    /// - Throws: `ConfigurationError` for a bad value or an unreadable certificate file.
    static func applyEnvironment(to configuration: inout CoClickConfiguration, environment: [String: String]) throws {
        try RequestTimeout.apply(to: &configuration, environment: environment)
        do {
            configuration.extraTrustRoots = try ExtraTrustRoots.from(environment: environment)
        } catch {
            throw ConfigurationError(.invalidValue, error.description)
        }
    }

    /// The client of a configured profile (the configuration resolved at the session's start,
    /// `secret_key_command` included), tokens cached in the XDG cache directory. A
    /// configuration error is raised here, at the first API call.
    static func configured(
        options: RunOptions, resolved: PreliminaryConfiguration,
        redaction: Redaction, statistics: ClientStatistics? = nil
    ) -> ClientProvider {
        ClientProvider {
            do {
                let resolved = try resolved.get()
                let pair = try resolved.requireKeyPair()
                var configuration = CoClickConfiguration(
                    baseURL: resolved.baseURL,
                    credentials: Credentials(secretID: pair.secretID, secretKey: pair.secretKey))
                configuration.profile = resolved.profile
                configuration.maxConcurrency = options.maxConcurrency
                try applyEnvironment(to: &configuration, environment: options.environment)
                return CoClickClient(
                    configuration: configuration,
                    tokenStore: FileTokenStore(directory: resolved.paths.cacheDirectory), redaction: redaction,
                    trace: traceHook(verbose: options.verbose, redaction: redaction),
                    statistics: statistics)
            } catch let error as ConfigurationError {
                throw ClientConfigurationError(error)
            }
        }
    }

    /// The client of the in-process sandbox: its demo key pair, tokens in memory.
    static func sandbox(
        baseURL: String, secretID: String, secretKey: String, options: RunOptions,
        redaction: Redaction, statistics: ClientStatistics? = nil
    ) -> ClientProvider {
        redaction.add(secretKey)
        return ClientProvider {
            var configuration = CoClickConfiguration(
                baseURL: baseURL, credentials: Credentials(secretID: secretID, secretKey: secretKey))
            configuration.profile = "sandbox"
            configuration.maxConcurrency = options.maxConcurrency
            return CoClickClient(
                configuration: configuration, tokenStore: MemoryTokenStore(), redaction: redaction,
                trace: traceHook(verbose: options.verbose, redaction: redaction), statistics: statistics)
        }
    }
}
