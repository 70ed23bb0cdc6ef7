import CoClickLua

/// The global options of every command (`--profile`, `--sandbox`, `-v`, ...), with the
/// process environment they are resolved against.
public struct RunOptions: Sendable {
    public var profile: String?
    public var baseURL: String?
    /// Run against a sandbox started in this process (demo data, no key, no network).
    public var sandbox = false
    /// How eval, -e and api print their results (`-o`); nil: the command's default.
    public var output: OutputFormat?
    /// `--dry-run`: reads as usual; writes checked locally, logged on standard error, not sent.
    public var dryRun = false
    /// Bound on the whole run (`--timeout`): exit status 124 when it elapses.
    public var timeout: Duration?
    /// Cap on the Lua heap (`--max-memory`), in MiB.
    public var maxMemoryMB: Int?
    /// One trace line per HTTP request on standard error (`-v`).
    public var verbose = false
    /// Silences `log.info` (`-q`).
    public var quiet = false
    /// Cap on the requests a listing or fan-out keeps in flight (`--max-concurrency`).
    public var maxConcurrency: Int?
    /// Results as JSON (`--json`).
    public var json = false
    /// Allows a plain `http://` base URL to a host other than loopback (`--insecure-http`).
    public var insecureHTTP = false
    /// `--state`, `--lock`, `--ping`, `--report`.
    public var unattended = UnattendedOptions()
    public var environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// `-o` if given, else JSON with `--json`, else the command's own default.
    public func outputFormat(default format: OutputFormat) -> OutputFormat {
        output ?? (json ? .json : format)
    }

    var flags: ConfigurationFlags { ConfigurationFlags(profile: profile, baseURL: baseURL, insecureHTTP: insecureHTTP) }
}
