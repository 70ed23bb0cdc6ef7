import ArgumentParser
import CoClickRunner
import Foundation

/// The `coclick` executable's root command: `coclick` alone runs the REPL (or a chunk from
/// standard input), `-e CODE` a chunk; subcommands do the rest.
@main
struct CoClickCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coclick",
        abstract: "A scriptable shell for the CoClick API (Lua 5.4).",
        discussion: """
            Without a command: the REPL when standard input is a terminal, otherwise a Lua chunk \
            read from standard input. Global options go before or after the command's name.

            EXIT STATUS: 0 success; 1 uncaught Lua error; 2 usage error (unknown option, missing \
            script file); 3 configuration error (no key pair); 4 authentication rejected; 5 CoClick \
            unreachable or failing; 74 standard output could not be written; 75 --lock held by \
            another run; 124 --timeout elapsed; 130 interrupted (SIGINT); 143 SIGTERM; n os.exit(n).
            """,
        version: Program.versionLine,
        subcommands: [RunCommand.self, EvalCommand.self, APICommand.self, SandboxCommand.self, AuthCommand.self, DoctorCommand.self]
    )

    @OptionGroup var globals: GlobalOptions
    @OptionGroup var outputOptions: OutputOptions

    @Option(name: .customShort("e"), help: ArgumentHelp("Run CODE and print the values it returns (as eval).", valueName: "code"))
    var code: String?

    func run() throws {
        let options = try outputOptions.applied(to: globals.runOptions)
        let mode: RunMode = code.map { .eval($0) } ?? .standardInput
        throw ExitCode(Program.run(mode, options: options))
    }

    /// Like ArgumentParser's `main`, except that usage errors exit with status 2 (the SPEC's
    /// usage error, as most Unix tools do) instead of EX_USAGE (64), and that commands run on
    /// the main thread, which also runs Lua.
    static func main() {
        _ = Program.started
        StandardStreams.ignoreBrokenPipes()
        let (words, scriptArguments) = ScriptArguments.split(Array(CommandLine.arguments.dropFirst()))
        if let mode = optionFreeRun(words, scriptArguments: scriptArguments) {
            finish(Program.run(mode, options: RunOptions()))
        }

        var command: any ParsableCommand
        do {
            command = try parseAsRoot(words)
        } catch {
            exitForParserError(error)
        }
        // The words after FILE, kept away from the parser, go to the script.
        if var run = command as? RunCommand, let scriptArguments {
            run.arguments += scriptArguments
            command = run
        }

        do {
            try command.run()
            finish(ExitStatus.success)
        } catch let code as ExitCode {
            finish(code.rawValue)
        } catch {
            // --help and --version run as commands that throw their text.
            exitForParserError(error)
        }
    }

    /// `eval CODE`, `-e CODE` and `run FILE [ARG...]` with no option at all: what the parser
    /// would make of them, without building its command tree, whose type lookups cost most of
    /// the start-up's own work in a binary holding Swift's runtime (so `coclick eval 'return 1'`
    /// costs little more than `lua5.4 -e`). Anything else (an option, a word starting with `-`)
    /// goes through the parser.
    static func optionFreeRun(_ words: [String], scriptArguments: [String]?) -> RunMode? {
        guard words.count == 2, !words[1].hasPrefix("-") else { return nil }
        switch words[0] {
        case "eval", "-e": return .eval(words[1])
        case "run": return .file(words[1], arguments: scriptArguments ?? [])
        default: return nil
        }
    }

    /// Prints what ArgumentParser has to say (help, version, a usage error) and exits; a usage
    /// error exits with 2 rather than EX_USAGE (64).
    private static func exitForParserError(_ error: any Error) -> Never {
        let code = exitCode(for: error)
        let message = fullMessage(for: error)
        if code == .success {
            if !message.isEmpty { print(message) }
            finish(ExitStatus.success)
        }
        if !message.isEmpty { StandardStreams.writeError(message + "\n") }
        finish(code == .validationFailure ? ExitStatus.usage : code.rawValue)
    }

    /// Flushes C stdio (Lua's print and the results share it) and exits: with 74 when standard
    /// output could not be written (see `StandardStreams.finalStatus`).
    static func finish(_ status: Int32) -> Never {
        let status = StandardStreams.finalStatus(status)
        fflush(nil)
        Foundation.exit(status)
    }
}
