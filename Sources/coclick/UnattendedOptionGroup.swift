import ArgumentParser
import CoClickRunner
import Foundation

/// The global options of unattended runs (cron, systemd), part of `GlobalOptions`.
struct UnattendedOptionGroup: ParsableArguments {
    @Option(help: ArgumentHelp("Namespace of coclick.state and coclick.run.last_success (default: the script's absolute path).", valueName: "name"))
    var state: String?

    @Option(help: ArgumentHelp("Run only if no other run holds the lock NAME (letters, digits, -, _, .); else exit 75.", valueName: "name"))
    var lock: String?

    @Option(name: .customLong("lock-wait"), help: ArgumentHelp("With --lock: wait that long for the lock before giving up.", valueName: "seconds"))
    var lockWait: Double?

    @Option(
        help: ArgumentHelp(
            "Healthchecks-style monitoring: GET URL/start, then POST URL (exit 0) or URL/N with the end of standard error.", valueName: "url"))
    var ping: String?

    @Option(
        help: ArgumentHelp("At the end, write a JSON summary of the run to FILE (atomically).", valueName: "file"),
        completion: .file())
    var report: String?

    func validate() throws {
        if let state, state.isEmpty { throw ValidationError("--state needs a name") }
        if let lock, !UnattendedOptions.isValidLockName(lock) {
            throw ValidationError("--lock NAME must be a word of letters, digits, -, _ and . (got \"\(lock)\")")
        }
        if let lockWait {
            guard lock != nil else { throw ValidationError("--lock-wait needs --lock NAME") }
            guard lockWait >= 0, lockWait <= 31_536_000 else {
                throw ValidationError("--lock-wait must be a number of seconds, 0 or more")
            }
        }
        if let ping, !(ping.hasPrefix("https://") || ping.hasPrefix("http://")) || URL(string: ping)?.host == nil {
            throw ValidationError("--ping needs an http:// or https:// URL")
        }
        if let report, report.isEmpty { throw ValidationError("--report needs a file name") }
    }

    func apply(to options: inout RunOptions) {
        options.unattended.stateName = state
        options.unattended.lockName = lock
        options.unattended.lockWait = lockWait.map { Duration.milliseconds(Int64(($0 * 1000).rounded())) }
        options.unattended.pingURL = ping
        options.unattended.reportPath = report
    }
}
