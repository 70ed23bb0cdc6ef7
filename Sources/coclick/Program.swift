import CoClickRunner

/// Version and the moment the process started (`--timeout` bounds the whole run).
enum Program {
    /// The release number: the one place it is written (scripts/package reads it from here).
    static let version = "0.2.0"
    /// What `--version` prints: the release and the commit it was built from (BuildCommit plugin).
    static let versionLine = "coclick \(version) (\(BuildCommit.id))"
    static let started = ContinuousClock.now

    static func deadline(_ options: RunOptions) -> ContinuousClock.Instant? {
        options.timeout.map { started + $0 }
    }

    /// The one way `run`, `eval`, `-e` and the parser-free start (`CoClickCommand.optionFreeRun`)
    /// run Lua: whatever a run does beyond the runner belongs here, so no path misses it.
    static func run(_ mode: RunMode, options: RunOptions) -> Int32 {
        Runner.run(mode, options: options, deadline: deadline(options), version: version)
    }
}
