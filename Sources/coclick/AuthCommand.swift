import ArgumentParser
import CoClickRunner

/// `coclick auth login / status / logout`.
struct AuthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth",
        abstract: "Store, check or forget the credentials of a profile.",
        subcommands: [Login.self, Status.self, Logout.self]
    )

    @OptionGroup var globals: GlobalOptions

    struct Login: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a key pair against /authenticate and save it in the profile.",
            discussion: """
                The secret key is read from standard input's first line when it is not a terminal, \
                otherwise prompted for without echo; it is never taken as an argument. The profile \
                is saved in $XDG_CONFIG_HOME/coclick/config.toml (mode 0600), with --base-url when given. \
                Exit status 4 when the key pair is rejected.
                """
        )
        @OptionGroup var globals: GlobalOptions

        @Option(
            name: .customLong("secret-id"),
            help: ArgumentHelp("The key's secret ID (default: COCLICK_SECRET_ID, the profile's, or a prompt).", valueName: "id"))
        var secretID: String?

        func run() throws {
            throw ExitCode(Auth.login(options: globals.runOptions, secretID: secretID))
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the company, token expiry, profile and base URL, and where each comes from."
        )
        @OptionGroup var globals: GlobalOptions

        func run() throws {
            let options = globals.runOptions
            throw ExitCode(Auth.status(options: options, deadline: Program.deadline(options)))
        }
    }

    struct Logout: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forget the profile's cached token (the key pair stays in config.toml)."
        )
        @OptionGroup var globals: GlobalOptions

        func run() throws {
            throw ExitCode(Auth.logout(options: globals.runOptions))
        }
    }
}
