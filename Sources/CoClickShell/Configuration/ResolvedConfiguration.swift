/// The values the command line gives, the first configuration layer. There is deliberately
/// no secret key flag: command lines are visible to other users.
public struct ConfigurationFlags: Sendable, Hashable {
    /// `--profile NAME`
    public var profile: String?
    /// `--base-url URL`
    public var baseURL: String?
    /// `--insecure-http`: a plain `http://` base URL to a host other than loopback is allowed.
    public var insecureHTTP: Bool

    public init(profile: String? = nil, baseURL: String? = nil, insecureHTTP: Bool = false) {
        self.profile = profile
        self.baseURL = baseURL
        self.insecureHTTP = insecureHTTP
    }
}

/// Where each resolved value came from (`coclick auth status` shows it).
public struct ConfigurationSources: Sendable, Hashable {
    public var profile: ValueSource
    public var baseURL: ValueSource
    /// nil when there is no key pair.
    public var secretID: ValueSource?
    /// nil when there is no key pair.
    public var secretKey: ValueSource?

    public init(profile: ValueSource, baseURL: ValueSource, secretID: ValueSource? = nil, secretKey: ValueSource? = nil) {
        self.profile = profile
        self.baseURL = baseURL
        self.secretID = secretID
        self.secretKey = secretKey
    }
}

/// The outcome of configuration resolution: profile, base URL, key pair, their sources,
/// and warnings for the caller to print on standard error.
public struct ResolvedConfiguration: Sendable, Hashable, CustomStringConvertible {
    public var profile: String
    /// No trailing slash.
    public var baseURL: String
    /// The secret ID of the key pair, known even when the key was not loaded.
    public var secretID: String?
    /// The full key pair; nil when none is configured, or when the key comes from
    /// `secret_key_command` and resolution was asked not to run it.
    public var keyPair: KeyPair?
    public var sources: ConfigurationSources
    /// Lines such as `warning: /path/config.toml holds a secret key and is readable by others (chmod 600 it)`.
    public var warnings: [String]
    public var paths: XDGPaths
    /// The parsed `config.toml`, nil when there is none.
    public var configFile: ConfigFile?

    public init(
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
    public func requireKeyPair() throws -> KeyPair {
        guard let keyPair else { throw ConfigurationError.noKeyPair(profile: profile) }
        return keyPair
    }

    public var description: String {
        "ResolvedConfiguration(profile: \(profile), baseURL: \(baseURL), keyPair: \(keyPair.map(String.init(describing:)) ?? "nil"))"
    }
}
