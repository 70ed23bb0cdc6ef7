import CoClickPOSIX

/// Resolves the configuration, first found wins (SPEC "Configuration"):
/// 1. flags (`--profile`, `--base-url`), 2. environment (`COCLICK_*`), 3. the profile in
/// `config.toml`, 4. defaults.
///
/// The key pair is never assembled from two layers: it comes whole from the first layer that
/// has any part of it. `COCLICK_SECRET_ID` and `COCLICK_SECRET_KEY` go together (one without
/// the other is an error, not a silent fall-through to the file), and a profile's `secret_id`
/// goes with its own `secret_key` or `secret_key_command`. So a key is never sent with
/// another pair's id. An empty environment variable counts as unset.
package struct ConfigurationResolver: Sendable {
    package var variables: EnvironmentVariables
    package var paths: XDGPaths
    package var secretKeyCommandTimeout: Duration = ConfigurationDefaults.secretKeyCommandTimeout

    /// - Parameter paths: where `config.toml` is; by default from `environment` (XDG).
    /// - Throws: ``ConfigurationError`` when `paths` is nil and no home directory is found.
    package init(environment: [String: String], paths: XDGPaths? = nil) throws {
        try self.init(variables: EnvironmentVariables(environment), paths: paths)
    }

    /// As `init(environment:paths:)`, reading `variables` (the process's own: variable by variable).
    package init(variables: EnvironmentVariables, paths: XDGPaths? = nil) throws {
        self.variables = variables
        self.paths = try paths ?? XDGPaths(variables: variables)
    }

    /// - Parameter runSecretKeyCommand: false leaves a profile's `secret_key_command` unrun
    ///   (then `keyPair` is nil and `sources.secretKey` says where the key would come from),
    ///   for commands that need no key, such as `auth login`.
    /// - Throws: ``ConfigurationError``: malformed or unreadable `config.toml`, wrong value
    ///   types, half a key pair, a failing `secret_key_command`, an invalid base URL. A
    ///   missing key pair is not an error here; see ``ResolvedConfiguration/requireKeyPair()``.
    package func resolve(_ flags: ConfigurationFlags = ConfigurationFlags(), runSecretKeyCommand: Bool = true) async throws -> ResolvedConfiguration {
        switch try begin(flags, runSecretKeyCommand: runSecretKeyCommand) {
        case .resolved(let resolved): return resolved
        case .needsSecretKeyCommand(let pending): return try await pending.finish()
        }
    }

    /// What `begin` leaves to do: nothing, or a `secret_key_command` to run.
    package enum Resolution: Sendable {
        case resolved(ResolvedConfiguration)
        /// `finish()` runs the command and completes the resolution.
        case needsSecretKeyCommand(PendingConfiguration)
    }

    /// A resolution waiting for its `secret_key_command` (the one part that runs a child
    /// process, and so the one that is async).
    package struct PendingConfiguration: Sendable {
        fileprivate let resolver: ConfigurationResolver
        fileprivate let partial: Partial
        fileprivate let command: SecretKeyCommand
        fileprivate let origin: String
        fileprivate let secretID: String
        fileprivate let secretIDSource: ValueSource
        fileprivate let secretKeySource: ValueSource

        /// Runs the command and completes the resolution (same errors as `resolve`).
        package func finish() async throws -> ResolvedConfiguration {
            let secret = try await command.run(origin: origin)
            let keys = Keys(
                secretID: secretID, pair: KeyPair(secretID: secretID, secretKey: secret),
                secretIDSource: secretIDSource, secretKeySource: secretKeySource)
            return try resolver.complete(partial, keys: keys)
        }
    }

    /// `resolve` without suspending: all of it when no `secret_key_command` has to run (no
    /// task, no thread), else up to that command, which `needsSecretKeyCommand`'s `finish()`
    /// runs. The same steps, in the same order, with the same errors.
    package func begin(_ flags: ConfigurationFlags = ConfigurationFlags(), runSecretKeyCommand: Bool = true) throws -> Resolution {
        let file = try ConfigFile.load(path: paths.configFile, home: XDGPaths.homeDirectory(variables: variables))
        var warnings: [String] = []
        if let warning = file?.permissionWarning { warnings.append(warning) }

        let (profile, profileSource) = try resolveProfile(flags)
        let settings = file?.profiles[profile] ?? ProfileSettings()

        let (baseURL, baseURLSource): (String, ValueSource)
        if let value = flags.baseURL {
            (baseURL, baseURLSource) = (value, .flag("--base-url"))
        } else if let value = variable(ConfigurationVariable.baseURL) {
            (baseURL, baseURLSource) = (value, .environment(ConfigurationVariable.baseURL))
        } else if let value = nonEmpty(settings.baseURL) {
            (baseURL, baseURLSource) = (value, .configFile(path: paths.configFile, key: "base_url"))
        } else {
            (baseURL, baseURLSource) = (ConfigurationDefaults.baseURL, .builtInDefault)
        }

        let partial = Partial(
            flags: flags, file: file, warnings: warnings, profile: profile, profileSource: profileSource,
            settings: settings, baseURL: baseURL, baseURLSource: baseURLSource)
        switch try resolveKeys(profile: profile, settings: settings, runSecretKeyCommand: runSecretKeyCommand) {
        case .keys(let keys):
            return .resolved(try complete(partial, keys: keys))
        case .command(let command, let origin, let secretID, let idSource, let keySource):
            return .needsSecretKeyCommand(
                PendingConfiguration(
                    resolver: self, partial: partial, command: command, origin: origin, secretID: secretID,
                    secretIDSource: idSource, secretKeySource: keySource))
        }
    }

    /// What the resolution knows before the key pair.
    fileprivate struct Partial: Sendable {
        var flags: ConfigurationFlags
        var file: ConfigFile?
        var warnings: [String]
        var profile: String
        var profileSource: ValueSource
        var settings: ProfileSettings
        var baseURL: String
        var baseURLSource: ValueSource
    }

    /// The steps after the key pair: the base URL's checks, then the result.
    fileprivate func complete(_ partial: Partial, keys: Keys) throws -> ResolvedConfiguration {
        var sources = ConfigurationSources(profile: partial.profileSource, baseURL: partial.baseURLSource)
        sources.secretID = keys.secretIDSource
        sources.secretKey = keys.secretKeySource
        var warnings = partial.warnings

        let normalizedBaseURL = try BaseURL.normalized(partial.baseURL, source: partial.baseURLSource)
        if let host = BaseURL.plainHTTPHost(normalizedBaseURL), !BaseURL.isLoopback(host) {
            guard partial.flags.insecureHTTP || partial.settings.allowInsecureHTTP else {
                throw ConfigurationError(
                    .invalidValue,
                    "refusing to send the key and token over plain http:// to \(host) (base URL \(normalizedBaseURL), \(partial.baseURLSource)): use https://, or allow it with allow_insecure_http = true in the profile or --insecure-http"
                )
            }
            let why = partial.flags.insecureHTTP ? "--insecure-http" : "allow_insecure_http in \(paths.configFile)"
            warnings.append("warning: the key and token go over plain http:// to \(host), readable by anyone on the way (\(why))")
        }

        return ResolvedConfiguration(
            profile: partial.profile,
            baseURL: normalizedBaseURL,
            secretID: keys.secretID,
            keyPair: keys.pair,
            sources: sources,
            warnings: warnings,
            paths: paths,
            configFile: partial.file
        )
    }

    private func resolveProfile(_ flags: ConfigurationFlags) throws -> (String, ValueSource) {
        if let name = flags.profile {
            guard !name.isEmpty else {
                throw ConfigurationError(.invalidValue, "--profile needs a profile name")
            }
            return (name, .flag("--profile"))
        }
        if let name = variable(ConfigurationVariable.profile) {
            return (name, .environment(ConfigurationVariable.profile))
        }
        return (ConfigurationDefaults.profile, .builtInDefault)
    }

    fileprivate struct Keys {
        var secretID: String?
        var pair: KeyPair?
        var secretIDSource: ValueSource?
        var secretKeySource: ValueSource?
    }

    /// The key pair, or the `secret_key_command` that gives its key.
    private enum KeySource {
        case keys(Keys)
        case command(SecretKeyCommand, origin: String, secretID: String, secretIDSource: ValueSource, secretKeySource: ValueSource)
    }

    private func resolveKeys(profile: String, settings: ProfileSettings, runSecretKeyCommand: Bool) throws -> KeySource {
        let idVariable = ConfigurationVariable.secretID, keyVariable = ConfigurationVariable.secretKey
        switch (variable(idVariable), variable(keyVariable)) {
        case let (id?, key?):
            return .keys(
                Keys(
                    secretID: id, pair: KeyPair(secretID: id, secretKey: key),
                    secretIDSource: .environment(idVariable), secretKeySource: .environment(keyVariable)))
        case (.some, nil):
            throw ConfigurationError(
                .incompleteKeyPair, "\(idVariable) is set but \(keyVariable) is not: set both, or neither to use the profile \"\(profile)\"")
        case (nil, .some):
            throw ConfigurationError(
                .incompleteKeyPair, "\(keyVariable) is set but \(idVariable) is not: set both, or neither to use the profile \"\(profile)\"")
        case (nil, nil):
            break
        }

        let path = paths.configFile
        let name = "profile \"\(profile)\" in \(path)"
        let id = nonEmpty(settings.secretID), key = nonEmpty(settings.secretKey)
        let command = nonEmpty(settings.secretKeyCommand)
        if key != nil, command != nil {
            throw ConfigurationError(.invalidValue, "\(name) sets both secret_key and secret_key_command: keep one")
        }
        guard let id else {
            if key != nil || command != nil {
                let which = key != nil ? "secret_key" : "secret_key_command"
                throw ConfigurationError(.incompleteKeyPair, "\(name) has \(which) but no secret_id: add secret_id, or run \(loginCommand(profile))")
            }
            return .keys(Keys())
        }
        let idSource = ValueSource.configFile(path: path, key: "secret_id")
        if let key {
            return .keys(
                Keys(
                    secretID: id, pair: KeyPair(secretID: id, secretKey: key),
                    secretIDSource: idSource, secretKeySource: .configFile(path: path, key: "secret_key")))
        }
        if let command {
            let source = ValueSource.secretKeyCommand(path: path)
            guard runSecretKeyCommand else {
                return .keys(Keys(secretID: id, secretIDSource: idSource, secretKeySource: source))
            }
            return .command(
                SecretKeyCommand(command, environment: variables.all, timeout: secretKeyCommandTimeout), origin: name,
                secretID: id, secretIDSource: idSource, secretKeySource: source)
        }
        throw ConfigurationError(
            .incompleteKeyPair, "\(name) has secret_id but neither secret_key nor secret_key_command: run \(loginCommand(profile))")
    }

    private func loginCommand(_ profile: String) -> String {
        profile == ConfigurationDefaults.profile ? "coclick auth login" : "coclick auth login --profile \(profile)"
    }

    /// An environment variable, nil when unset or empty.
    private func variable(_ name: String) -> String? { nonEmpty(variables[name]) }

    private func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
