import ArgumentParser
import CoClickRunner

/// `coclick doctor`.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the set-up a scheduled run needs, one line each (ok/warn/fail).",
        discussion: """
            Checks the configuration file and its mode, where the key comes from (running \
            secret_key_command), the cache and state folders, the base URL's scheme, \
            authentication, the token's expiry and the clock against the server's Date. \
            Exit status 0 when nothing fails, else that of the first failure's kind \
            (3 configuration, 4 key rejected, 5 CoClick unreachable).
            """
    )

    @OptionGroup var globals: GlobalOptions

    func run() throws {
        throw ExitCode(Doctor.run(options: globals.runOptions))
    }
}
