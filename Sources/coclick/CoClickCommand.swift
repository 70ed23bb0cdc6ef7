import ArgumentParser
import CoClickShell
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
            unreachable or failing; 75 --lock held by another run; 124 --timeout elapsed; \
            130 interrupted (SIGINT); 143 SIGTERM; n os.exit(n).
            """,
        version: "coclick \(Program.version) (Lua 5.4)",
        subcommands: [RunCommand.self, EvalCommand.self, SandboxCommand.self, AuthCommand.self, DoctorCommand.self]
    )

    @OptionGroup var globals: GlobalOptions

    @Option(name: .customShort("e"), help: ArgumentHelp("Run CODE and print the values it returns (as eval).", valueName: "code"))
    var code: String?

    func run() throws {
        let options = globals.runOptions
        let mode: RunMode = code.map { .eval($0) } ?? .standardInput
        throw ExitCode(Runner.run(mode, options: options, deadline: Program.deadline(options), version: Program.version))
    }

    /// Like ArgumentParser's `main`, except that usage errors exit with status 2 (the SPEC's
    /// usage error, as most Unix tools do) instead of EX_USAGE (64), and that commands run on
    /// the main thread, which also runs Lua (async commands are awaited from it).
    static func main() {
        _ = Program.started
        let (words, scriptArguments) = ScriptArguments.split(Array(CommandLine.arguments.dropFirst()))
        RunCommand.scriptArguments = scriptArguments ?? []

        var command: any ParsableCommand
        do {
            command = try parseAsRoot(words)
        } catch {
            exitForParserError(error)
        }

        do {
            if let asyncCommand = command as? any AsyncParsableCommand {
                try awaitFromMainThread(asyncCommand)
            } else {
                try command.run()
            }
            finish(0)
        } catch let code as ExitCode {
            finish(code.rawValue)
        } catch {
            // --help and --version run as commands that throw their text.
            exitForParserError(error)
        }
    }

    /// Prints what ArgumentParser has to say (help, version, a usage error) and exits; a usage
    /// error exits with 2 rather than EX_USAGE (64).
    private static func exitForParserError(_ error: any Error) -> Never {
        let code = exitCode(for: error)
        let message = fullMessage(for: error)
        if code == .success {
            if !message.isEmpty { print(message) }
            finish(0)
        }
        if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
        finish(code == .validationFailure ? 2 : code.rawValue)
    }

    /// Flushes C stdio (Lua's print and the results share it) and exits.
    static func finish(_ status: Int32) -> Never {
        fflush(nil)
        Foundation.exit(status)
    }

    private static func awaitFromMainThread(_ command: any AsyncParsableCommand) throws {
        let box = CommandBox(command)
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do { try await box.command.run() } catch { box.error = error }
            done.signal()
        }
        done.wait()
        if let error = box.error { throw error }
    }
}

/// Hands an async command to the task running it while the main thread waits (never both at once).
private final class CommandBox: @unchecked Sendable {
    var command: any AsyncParsableCommand
    var error: (any Error)?
    init(_ command: any AsyncParsableCommand) { self.command = command }
}
