/// The values the command line gives, the first configuration layer. There is deliberately
/// no secret key flag: command lines are visible to other users.
package struct ConfigurationFlags: Sendable, Hashable {
    /// `--profile NAME`
    package var profile: String?
    /// `--base-url URL`
    package var baseURL: String?
    /// `--insecure-http`: a plain `http://` base URL to a host other than loopback is allowed.
    package var insecureHTTP: Bool

    package init(profile: String? = nil, baseURL: String? = nil, insecureHTTP: Bool = false) {
        self.profile = profile
        self.baseURL = baseURL
        self.insecureHTTP = insecureHTTP
    }
}

/// Where each resolved value came from (`coclick auth status` shows it).
package struct ConfigurationSources: Sendable, Hashable {
    package var profile: ValueSource
    package var baseURL: ValueSource
    /// nil when there is no key pair.
    package var secretID: ValueSource?
    /// nil when there is no key pair.
    package var secretKey: ValueSource?

    package init(profile: ValueSource, baseURL: ValueSource, secretID: ValueSource? = nil, secretKey: ValueSource? = nil) {
        self.profile = profile
        self.baseURL = baseURL
        self.secretID = secretID
        self.secretKey = secretKey
    }
}

/// The outcome of configuration resolution: profile, base URL, key pair, their sources,
/// and warnings for the caller to print on standard error.
package struct ResolvedConfiguration: Sendable, Hashable, CustomStringConvertible {
    package var profile: String
    /// No trailing slash.
    package var baseURL: String
    /// The secret ID of the key pair, known even when the key was not loaded.
    package var secretID: String?
    /// The full key pair; nil when none is configured, or when the key comes from
    /// `secret_key_command` and resolution was asked not to run it.
    package var keyPair: KeyPair?
    package var sources: ConfigurationSources
    /// Lines such as `warning: /path/config.toml holds a secret key and is readable by others (chmod 600 it)`.
    package var warnings: [String]
    package var paths: XDGPaths
    /// The parsed `config.toml`, nil when there is none.
    package var configFile: ConfigFile?

    package init(
        profile: String, baseURL: String, secretID: String? = nil, keyPair: KeyPair? = nil,
        sources: ConfigurationSources, warnings: [String] = [], paths: XDGPaths, configFile: ConfigFile? = nil
    ) {
        self.profile = profile
        self.baseURL = baseURL
        self.secretID = secretID ?? keyPair?.secretID
        self.keyPair = keyPair
        self.sources = sources
        self.warnings = warnings
        self.paths = paths
        self.configFile = configFile
    }

    /// The key pair, or the configuration error that tells the user how to provide one.
    package func requireKeyPair() throws -> KeyPair {
        guard let keyPair else { throw ConfigurationError.noKeyPair(profile: profile) }
        return keyPair
    }

    package var description: String {
        "ResolvedConfiguration(profile: \(profile), baseURL: \(baseURL), keyPair: \(keyPair.map(String.init(describing:)) ?? "nil"))"
    }
}
