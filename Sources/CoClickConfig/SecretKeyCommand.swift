import Glibc

/// Runs a profile's `secret_key_command` through `/bin/sh -c` and returns the key it prints.
///
/// - The key is the first line of standard output (a trailing `\r` dropped), as `pass show`
///   prints the password on its first line; nothing else on standard output is used.
/// - Its standard error passes through to ours; its standard input is ours when that is a
///   terminal (so a secret manager may ask for a passphrase), else `/dev/null` (so it never
///   eats a script piped to coclick, nor waits for input).
/// - It gets `timeout`, and at most `outputLimit` bytes of output; then it is killed.
/// - A failure says the command failed and how, never what it printed.
package struct SecretKeyCommand: Sendable {
    package var command: String
    /// The environment of the command (the caller passes the process environment).
    package var environment: [String: String]
    package var timeout: Duration
    package var outputLimit: Int

    package init(
        _ command: String, environment: [String: String],
        timeout: Duration = ConfigurationDefaults.secretKeyCommandTimeout, outputLimit: Int = 64 * 1024
    ) {
        self.command = command
        self.environment = environment
        self.timeout = timeout
        self.outputLimit = outputLimit
    }

    /// Runs the command. `origin` names where it was configured, for the error message.
    /// - Throws: ``ConfigurationError`` (`.secretKeyCommandFailed`).
    package func run(origin: String) async throws -> String {
        func failure(_ what: String) -> ConfigurationError {
            ConfigurationError(.secretKeyCommandFailed, "secret_key_command in \(origin) \(what)")
        }
        var outcome: ChildProcess.Outcome
        do {
            outcome = try await ChildProcess.run(
                executable: "/bin/sh", arguments: ["-c", command], environment: environment,
                interactive: isatty(STDIN_FILENO) == 1, timeout: timeout, outputLimit: outputLimit
            )
        } catch {
            throw failure("could not start: \(String(cString: strerror(error.errno)))")
        }
        // The output holds the key: `output` must be its only reference, or the zeroing below
        // would clear a copy (copy on write) and leave the bytes themselves to be freed as they are.
        var output = outcome.output
        outcome.output = []
        defer { for index in output.indices { output[index] = 0 } }
        switch outcome.ending {
        case .timedOut:
            throw failure("did not finish within \(Self.seconds(timeout)) seconds and was stopped")
        case .outputTooLarge:
            throw failure("printed more than \(outputLimit) bytes and was stopped")
        case .signal(let number):
            throw failure("failed (killed by signal \(number))")
        case .exited(let status) where status != 0:
            throw failure("failed (exit status \(status))")
        case .exited:
            break
        }
        let firstLine = output.split(separator: UInt8(ascii: "\n"), maxSplits: 1, omittingEmptySubsequences: false).first ?? []
        var line = Array(firstLine)
        defer { for index in line.indices { line[index] = 0 } }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        guard let key = String(validating: line, as: UTF8.self) else {
            throw failure("printed something that is not UTF-8 text")
        }
        guard !key.allSatisfy({ $0 == " " || $0 == "\t" }) else {
            throw failure(output.isEmpty ? "printed nothing" : "printed an empty first line")
        }
        return key
    }

    private static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return attoseconds == 0 ? "\(seconds)" : "\(Double(seconds) + Double(attoseconds) / 1e18)"
    }
}
