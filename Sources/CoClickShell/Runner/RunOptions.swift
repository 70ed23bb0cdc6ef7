/// The global options of every command (`--profile`, `--sandbox`, `-v`, ...), with the
/// process environment they are resolved against.
public struct RunOptions: Sendable {
    public var profile: String?
    public var baseURL: String?
    /// Run against a sandbox started in this process (demo data, no key, no network).
    public var sandbox = false
    /// Bound on the whole run (`--timeout`): exit status 124 when it elapses.
    public var timeout: Duration?
    /// Cap on the Lua heap (`--max-memory`), in MiB.
    public var maxMemoryMB: Int?
    /// One trace line per HTTP request on standard error (`-v`).
    public var verbose = false
    /// Silences `log.info` (`-q`).
    public var quiet = false
    /// Results as JSON (`--json`).
    public var json = false
    /// `--state`, `--lock`, `--ping`, `--report`.
    public var unattended = UnattendedOptions()
    public var environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    var flags: ConfigurationFlags { ConfigurationFlags(profile: profile, baseURL: baseURL) }
}
