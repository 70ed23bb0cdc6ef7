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
    package var environment: [String: String]
    package var paths: XDGPaths
    package var secretKeyCommandTimeout: Duration = ConfigurationDefaults.secretKeyCommandTimeout

    /// - Parameter paths: where `config.toml` is; by default from `environment` (XDG).
    /// - Throws: ``ConfigurationError`` when `paths` is nil and no home directory is found.
    package init(environment: [String: String], paths: XDGPaths? = nil) throws {
        self.environment = environment
        self.paths = try paths ?? XDGPaths(environment: environment)
    }

    /// - Parameter runSecretKeyCommand: false leaves a profile's `secret_key_command` unrun
    ///   (then `keyPair` is nil and `sources.secretKey` says where the key would come from),
    ///   for commands that need no key, such as `auth login`.
    /// - Throws: ``ConfigurationError``: malformed or unreadable `config.toml`, wrong value
    ///   types, half a key pair, a failing `secret_key_command`, an invalid base URL. A
    ///   missing key pair is not an error here; see ``ResolvedConfiguration/requireKeyPair()``.
    package func resolve(_ flags: ConfigurationFlags = ConfigurationFlags(), runSecretKeyCommand: Bool = true) async throws -> ResolvedConfiguration {
        let file = try ConfigFile.load(path: paths.configFile, home: XDGPaths.homeDirectory(environment: environment))
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

        var sources = ConfigurationSources(profile: profileSource, baseURL: baseURLSource)
        let keys = try await resolveKeys(profile: profile, settings: settings, runSecretKeyCommand: runSecretKeyCommand)
        sources.secretID = keys.secretIDSource
        sources.secretKey = keys.secretKeySource

        let normalizedBaseURL = try BaseURL.normalized(baseURL, source: baseURLSource)
        if let host = BaseURL.plainHTTPHost(normalizedBaseURL), !BaseURL.isLoopback(host) {
            guard flags.insecureHTTP || settings.allowInsecureHTTP else {
                throw ConfigurationError(
                    .invalidValue,
                    "refusing to send the key and token over plain http:// to \(host) (base URL \(normalizedBaseURL), \(baseURLSource)): use https://, or allow it with allow_insecure_http = true in the profile or --insecure-http"
                )
            }
            let why = flags.insecureHTTP ? "--insecure-http" : "allow_insecure_http in \(paths.configFile)"
            warnings.append("warning: the key and token go over plain http:// to \(host), readable by anyone on the way (\(why))")
        }

        return ResolvedConfiguration(
            profile: profile,
            baseURL: normalizedBaseURL,
            secretID: keys.secretID,
            keyPair: keys.pair,
            sources: sources,
            warnings: warnings,
            paths: paths,
            configFile: file
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

    private struct Keys {
        var secretID: String?
        var pair: KeyPair?
        var secretIDSource: ValueSource?
        var secretKeySource: ValueSource?
    }

    private func resolveKeys(profile: String, settings: ProfileSettings, runSecretKeyCommand: Bool) async throws -> Keys {
        let idVariable = ConfigurationVariable.secretID, keyVariable = ConfigurationVariable.secretKey
        switch (variable(idVariable), variable(keyVariable)) {
        case let (id?, key?):
            return Keys(
                secretID: id, pair: KeyPair(secretID: id, secretKey: key),
                secretIDSource: .environment(idVariable), secretKeySource: .environment(keyVariable))
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
            return Keys()
        }
        let idSource = ValueSource.configFile(path: path, key: "secret_id")
        if let key {
            return Keys(
                secretID: id, pair: KeyPair(secretID: id, secretKey: key),
                secretIDSource: idSource, secretKeySource: .configFile(path: path, key: "secret_key"))
        }
        if let command {
            let source = ValueSource.secretKeyCommand(path: path)
            guard runSecretKeyCommand else {
                return Keys(secretID: id, secretIDSource: idSource, secretKeySource: source)
            }
            let secret = try await SecretKeyCommand(command, environment: environment, timeout: secretKeyCommandTimeout)
                .run(origin: name)
            return Keys(
                secretID: id, pair: KeyPair(secretID: id, secretKey: secret),
                secretIDSource: idSource, secretKeySource: source)
        }
        throw ConfigurationError(
            .incompleteKeyPair, "\(name) has secret_id but neither secret_key nor secret_key_command: run \(loginCommand(profile))")
    }

    private func loginCommand(_ profile: String) -> String {
        profile == ConfigurationDefaults.profile ? "coclick auth login" : "coclick auth login --profile \(profile)"
    }

    /// An environment variable, nil when unset or empty.
    private func variable(_ name: String) -> String? { nonEmpty(environment[name]) }

    private func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
