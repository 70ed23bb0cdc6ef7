import CoClickAPI
import CoClickConfig
import CoClickLua
import Foundation

/// `coclick auth login / status / logout`. Messages go to standard error; `status` prints its
/// report on standard output (JSON with `--json`).
package enum Auth {
    // MARK: login

    /// Stores a key pair for the profile after checking it against `/authenticate`.
    /// - Parameter secretID: `--secret-id`; else `COCLICK_SECRET_ID`, the profile's current
    ///   one, or a prompt on a terminal.
    package static func login(options: RunOptions, secretID flagSecretID: String?) -> Int32 {
        if options.sandbox {
            StandardStreams.writeError("coclick: auth login stores a key for a profile; --sandbox needs none\n")
            return ExitStatus.usage
        }
        // The key pair being replaced, possibly half set in the environment, must not stop login.
        var environment = options.environment
        environment[ConfigurationVariable.secretID] = nil
        environment[ConfigurationVariable.secretKey] = nil
        let resolved: ResolvedConfiguration
        do {
            let resolver = try ConfigurationResolver(environment: environment)
            resolved = try waitForAsyncWork { try await resolver.resolve(options.flags, runSecretKeyCommand: false) }
        } catch {
            StandardStreams.writeError("\(error)\n")
            return ExitStatus.configuration
        }
        for warning in resolved.warnings { StandardStreams.writeError(warning + "\n") }

        let secretID: String
        if let id = nonEmpty(flagSecretID) ?? nonEmpty(options.environment[ConfigurationVariable.secretID])
            ?? nonEmpty(resolved.secretID)
        {
            secretID = id
        } else if StandardStreams.inputIsTerminal {
            StandardStreams.writeError("Secret ID: ")
            guard let line = readLine(strippingNewline: true), let id = nonEmpty(line.trimmingWhitespace()) else {
                StandardStreams.writeError("coclick: no secret ID given\n")
                return ExitStatus.usage
            }
            secretID = id
        } else {
            StandardStreams.writeError("coclick: auth login needs --secret-id ID or COCLICK_SECRET_ID when standard input is not a terminal\n")
            return ExitStatus.usage
        }

        let secretKey: String
        do {
            secretKey = try SecretPrompt.read(prompt: "Secret key for \(secretID): ")
        } catch let error as ConfigurationError {
            StandardStreams.writeError("\(error)\n")
            return error.code == .interrupted ? ExitStatus.interrupted : ExitStatus.configuration
        } catch {
            StandardStreams.writeError("coclick: \(error)\n")
            return ExitStatus.configuration
        }

        let redaction = Redaction(secrets: [secretKey])
        var configuration = CoClickConfiguration(
            baseURL: resolved.baseURL, credentials: Credentials(secretID: secretID, secretKey: secretKey))
        configuration.profile = resolved.profile
        do {
            try ClientProvider.applyEnvironment(to: &configuration, environment: options.environment)
        } catch {
            StandardStreams.writeError("\(error)\n")
            return ExitStatus.configuration
        }
        let client = CoClickClient(
            configuration: configuration,
            tokenStore: FileTokenStore(directory: resolved.paths.cacheDirectory), redaction: redaction,
            trace: ClientProvider.traceHook(verbose: options.verbose, redaction: redaction))
        defer { _ = try? waitForAsyncWork { try await client.shutdown() } }
        let token: Token
        do {
            // A token cached for this secret ID may come from an older key: check the new one.
            token = try waitForAsyncWork {
                try await client.forgetToken()
                return try await client.token()
            }
        } catch {
            return reportAPIError(error, redaction: redaction)
        }

        do {
            let storage = try ProfileWriter.save(
                profile: resolved.profile,
                keyPair: KeyPair(secretID: secretID, secretKey: secretKey),
                baseURL: options.baseURL, to: resolved.paths.configFile)
            let where_ =
                storage == .keptSecretKeyCommand
                ? "secret ID saved in \(resolved.paths.configFile) (the key stays with secret_key_command)"
                : "saved in \(resolved.paths.configFile)"
            StandardStreams.writeError("coclick: logged in to \(token.company) at \(resolved.baseURL); profile \"\(resolved.profile)\" \(where_)\n")
            return ExitStatus.success
        } catch {
            StandardStreams.writeError(redaction.redact("\(error)") + "\n")
            return ExitStatus.configuration
        }
    }

    // MARK: status

    /// Shows the company and token expiry, and where the profile, base URL and key come from.
    /// - Parameter deadline: `--timeout`, from the process start: it bounds the configuration
    ///   (`secret_key_command` included) and the authentication.
    package static func status(options: RunOptions, deadline: ContinuousClock.Instant? = nil) -> Int32 {
        let runGuard = RunGuard(deadline: deadline)
        runGuard.arm()
        defer { _ = runGuard.disarm() }
        let session: Session
        switch Session.opened(options) {
        case .success(let opened): session = opened
        case .failure(let failure): return failure.status
        }
        defer { session.close() }
        let client: CoClickClient
        do {
            client = try session.provider.get()
        } catch {
            StandardStreams.writeError("coclick: \(error)\n")
            return ExitStatus.configuration
        }
        let token: Token
        do {
            token = try waitForAsyncWork { try await client.token() }
        } catch {
            return reportAPIError(error, redaction: session.redaction)
        }

        var rows: [(key: String, value: String, source: String?)] = []
        if options.sandbox {
            rows.append(("profile", "sandbox", "flag --sandbox"))
            rows.append(("base_url", client.configuration.baseURL, "flag --sandbox"))
            rows.append(("secret_id", client.configuration.credentials?.secretID ?? "", "the sandbox's demo key pair"))
        } else if case .resolved(let resolved)? = session.preliminary {
            rows.append(("profile", resolved.profile, resolved.sources.profile.description))
            rows.append(("base_url", resolved.baseURL, resolved.sources.baseURL.description))
            rows.append(("secret_id", resolved.secretID ?? "", resolved.sources.secretID?.description))
            rows.append(("secret_key", Redactor.placeholder, resolved.sources.secretKey?.description))
        }
        rows.append(("company", token.company, nil))
        rows.append(("expires_at", token.expiresAtText, nil))

        if options.json {
            var object: [String: JSONValue] = [:]
            for row in rows {
                object[row.key] = .string(row.value)
                if let source = row.source { object[row.key + "_source"] = .string(source) }
            }
            object["expires_in_seconds"] = .integer(Int64(token.expiresAt.timeIntervalSinceNow.rounded(.down)))
            StandardStreams.writeOutput(JSONValue.object(object).jsonText(pretty: true) + "\n")
        } else {
            let width = rows.map(\.key.count).max() ?? 0
            for row in rows {
                let padded = row.key.padding(toLength: width, withPad: " ", startingAt: 0)
                let source = row.source.map { "  (\($0))" } ?? ""
                StandardStreams.writeOutput("\(padded)  \(row.value)\(source)\n")
            }
            let minutes = Int(token.expiresAt.timeIntervalSinceNow / 60)
            StandardStreams.writeOutput("\("".padding(toLength: width, withPad: " ", startingAt: 0))  (token valid for \(minutes) more minutes)\n")
        }
        StandardStreams.flush()
        return ExitStatus.success
    }

    // MARK: logout

    /// Forgets the cached token of the profile (the key pair stays in `config.toml`).
    package static func logout(options: RunOptions) -> Int32 {
        if options.sandbox {
            StandardStreams.writeError("coclick: the sandbox's tokens are kept in memory only; nothing to forget\n")
            return ExitStatus.success
        }
        let resolved: ResolvedConfiguration
        do {
            let resolver = try ConfigurationResolver(environment: options.environment)
            resolved = try waitForAsyncWork { try await resolver.resolve(options.flags, runSecretKeyCommand: false) }
        } catch {
            StandardStreams.writeError("\(error)\n")
            return ExitStatus.configuration
        }
        guard let secretID = resolved.secretID else {
            StandardStreams.writeError("coclick: no key pair for profile \"\(resolved.profile)\": no cached token to forget\n")
            return ExitStatus.success
        }
        let store = FileTokenStore(directory: resolved.paths.cacheDirectory)
        let key = TokenKey(profile: resolved.profile, baseURL: resolved.baseURL, secretID: secretID)
        do {
            try waitForAsyncWork { try await store.remove(key) }
        } catch {
            StandardStreams.writeError("coclick: \(error)\n")
            return ExitStatus.configuration
        }
        StandardStreams.writeError("coclick: forgot the cached token of profile \"\(resolved.profile)\" at \(resolved.baseURL)\n")
        return ExitStatus.success
    }

    // MARK: -

    private static func reportAPIError(_ error: any Error, redaction: Redaction) -> Int32 {
        StandardStreams.writeError(redaction.redact("coclick: \(error)") + "\n")
        if let error = error as? CoClickError { return ExitStatus.of(kind: error.kind.name) }
        return ExitStatus.unavailable
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}
