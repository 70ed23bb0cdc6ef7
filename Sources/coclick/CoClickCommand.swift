import ArgumentParser
import Foundation

/// The `coclick` executable's root command.
@main
struct CoClickCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coclick",
        abstract: "A scriptable shell for the CoClick API.",
        subcommands: [SandboxCommand.self]
    )

    /// Like ArgumentParser's `main`, except that usage errors exit with status 2 (the SPEC's
    /// usage error, as most Unix tools do) instead of EX_USAGE (64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(0)
            }
            if !message.isEmpty {
                FileHandle.standardError.write(Data((message + "\n").utf8))
            }
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}
