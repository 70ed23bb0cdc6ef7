/// The options of unattended runs (cron, systemd): `--state`, `--lock`, `--lock-wait`,
/// `--ping`, `--report` (SPEC "Commands", global options).
package struct UnattendedOptions: Sendable, Equatable {
    /// `--state NAME`: the namespace of `coclick.state` and `coclick.run.last_success`
    /// (default: the script's absolute path; none for `eval` and standard input).
    package var stateName: String?
    /// `--lock NAME`.
    package var lockName: String?
    /// `--lock-wait SECONDS`: how long to wait for the lock before giving up (default: not at all).
    package var lockWait: Duration?
    /// `--ping URL`.
    package var pingURL: String?
    /// `--report FILE`.
    package var reportPath: String?

    /// Set by the runner: the namespace of this run (see `RunState.namespace(for:options:)`)
    /// and the epoch seconds at which it started.
    var namespace: String?
    var startedAt: Double?

    package init() {}

    /// Whether a lock NAME is a word of letters, digits, `-`, `_` and `.` (it names a file).
    package static func isValidLockName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 200
            && name.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || $0 == "-" || $0 == "_" || $0 == "."
            }
    }
}
