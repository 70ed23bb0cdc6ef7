import ArgumentParser
import CoClickRunner
import Foundation

/// The options every command accepts, before or after the subcommand's name: the root command
/// and each subcommand declare this group, and ArgumentParser decodes it once for all of them.
struct GlobalOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Profile in config.toml (default: COCLICK_PROFILE, else \"default\").", valueName: "name"))
    var profile: String?

    @Option(name: .customLong("base-url"), help: ArgumentHelp("CoClick API base URL.", valueName: "url"))
    var baseURL: String?

    @Flag(help: "Run against a sandbox started in this process (demo data, no key, no network).")
    var sandbox = false

    @Flag(name: .customLong("dry-run"), help: "Reads as usual; every write is checked, logged on standard error, not sent.")
    var dryRun = false

    @Option(help: ArgumentHelp("Bound on the whole run; exit status 124 when it elapses.", valueName: "seconds"))
    var timeout: Double?

    @Option(name: .customLong("max-memory"), help: ArgumentHelp("Cap on the Lua heap.", valueName: "MB"))
    var maxMemory: Int?

    @Option(
        name: .customLong("max-concurrency"),
        help: ArgumentHelp("Requests a listing or get_many keeps in flight at most (1: one page read ahead).", valueName: "n"))
    var maxConcurrency: Int?

    @Flag(name: .shortAndLong, help: "Trace each HTTP request on standard error.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Silence log.info.")
    var quiet = false

    @Flag(help: "Print results as JSON.")
    var json = false

    @Flag(
        name: .customLong("insecure-http"),
        help: "Allow a plain http:// base URL to a host other than loopback (the key and token travel unencrypted).")
    var insecureHTTP = false

    @OptionGroup var unattended: UnattendedOptionGroup

    func validate() throws {
        if let timeout, !(timeout > 0 && timeout <= 31_536_000) {
            throw ValidationError("--timeout must be a positive number of seconds")
        }
        if let maxMemory, !(1...1_048_576).contains(maxMemory) {
            throw ValidationError("--max-memory must be between 1 and 1048576 (MB)")
        }
        if let maxConcurrency, !(1...64).contains(maxConcurrency) {
            throw ValidationError("--max-concurrency must be between 1 and 64")
        }
        if let profile, profile.isEmpty { throw ValidationError("--profile needs a name") }
    }

    /// The options with the process environment, for the runner.
    var runOptions: RunOptions {
        var options = RunOptions()
        options.profile = profile
        options.baseURL = baseURL
        options.sandbox = sandbox
        options.dryRun = dryRun
        options.timeout = timeout.map { Duration.milliseconds(Int64(($0 * 1000).rounded())) }
        options.maxMemoryMB = maxMemory
        options.maxConcurrency = maxConcurrency
        options.verbose = verbose
        options.quiet = quiet
        options.json = json
        options.insecureHTTP = insecureHTTP
        unattended.apply(to: &options)
        return options
    }
}
