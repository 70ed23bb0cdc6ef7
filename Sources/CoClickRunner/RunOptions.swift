import CoClickConfig
import CoClickLua
import CoClickPOSIX

/// The global options of every command (`--profile`, `--sandbox`, `-v`, ...), with the
/// process environment they are resolved against.
package struct RunOptions: Sendable {
    package var profile: String?
    package var baseURL: String?
    /// Run against a sandbox started in this process (demo data, no key, no network).
    package var sandbox = false
    /// How eval, -e and api print their results (`-o`); nil: the command's default.
    package var output: OutputFormat?
    /// `--dry-run`: reads as usual; writes checked locally, logged on standard error, not sent.
    package var dryRun = false
    /// Bound on the whole run (`--timeout`): exit status 124 when it elapses.
    package var timeout: Duration?
    /// Cap on the Lua heap (`--max-memory`), in MiB.
    package var maxMemoryMB: Int?
    /// One trace line per HTTP request on standard error (`-v`).
    package var verbose = false
    /// Silences `log.info` (`-q`).
    package var quiet = false
    /// Cap on the requests a listing or fan-out keeps in flight (`--max-concurrency`).
    package var maxConcurrency: Int?
    /// Results as JSON (`--json`).
    package var json = false
    /// Allows a plain `http://` base URL to a host other than loopback (`--insecure-http`).
    package var insecureHTTP = false
    /// `--state`, `--lock`, `--ping`, `--report`.
    package var unattended = UnattendedOptions()
    /// The environment the run is resolved against: the process's own unless given.
    package var variables: EnvironmentVariables
    /// Every variable of `variables`, as a dictionary.
    package var environment: [String: String] {
        get { variables.all }
        set { variables = EnvironmentVariables(newValue) }
    }

    package init(environment: [String: String]) {
        variables = EnvironmentVariables(environment)
    }

    /// The options of a run in the process's own environment (read variable by variable).
    package init() {
        variables = .process
    }

    /// `-o` if given, else JSON with `--json`, else the command's own default.
    package func outputFormat(default format: OutputFormat) -> OutputFormat {
        output ?? (json ? .json : format)
    }

    var flags: ConfigurationFlags { ConfigurationFlags(profile: profile, baseURL: baseURL, insecureHTTP: insecureHTTP) }
}
