/// A configuration problem: no key pair, a malformed `config.toml`, a failing
/// `secret_key_command`, an unwritable file. The runner maps it to exit status 3.
///
/// `description` is one actionable line, prefixed with `coclick: `. It never contains a
/// secret key nor the output of `secret_key_command`.
package struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, for callers and tests that branch on it.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case noKeyPair = "no_key_pair"
            case incompleteKeyPair = "incomplete_key_pair"
            case malformedFile = "malformed_file"
            case invalidValue = "invalid_value"
            case unreadableFile = "unreadable_file"
            case unsafeFile = "unsafe_file"
            case unwritableFile = "unwritable_file"
            case secretKeyCommandFailed = "secret_key_command_failed"
            case noHomeDirectory = "no_home_directory"
            case secretInput = "secret_input"
            case interrupted = "interrupted"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// No layer supplies a key pair for the profile.
        package static let noKeyPair = Code(.noKeyPair)
        /// A layer supplies half of a key pair (an id without a key, or a key without an id).
        package static let incompleteKeyPair = Code(.incompleteKeyPair)
        /// `config.toml` is not valid TOML.
        package static let malformedFile = Code(.malformedFile)
        /// A value has the wrong type or form (a number for `base_url`, a base URL without a scheme).
        package static let invalidValue = Code(.invalidValue)
        /// `config.toml` exists but cannot be read.
        package static let unreadableFile = Code(.unreadableFile)
        /// `config.toml`, or a folder above it, can be written by other users.
        package static let unsafeFile = Code(.unsafeFile)
        /// `config.toml` (or its directory) cannot be written.
        package static let unwritableFile = Code(.unwritableFile)
        /// `secret_key_command` failed, timed out, or printed nothing usable.
        package static let secretKeyCommandFailed = Code(.secretKeyCommandFailed)
        /// Neither `HOME`, the password database, nor the XDG variables name a home directory.
        package static let noHomeDirectory = Code(.noHomeDirectory)
        /// Reading a secret from the terminal or standard input failed.
        package static let secretInput = Code(.secretInput)
        /// A signal (Ctrl-C) interrupted reading a secret; the runner may map it to exit 130.
        package static let interrupted = Code(.interrupted)

        package var description: String { base.rawValue }
    }

    package let code: Code
    /// The one-line message, `coclick: ...`.
    package let description: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.description = "coclick: " + message
    }
}

extension ConfigurationError {
    package static func noKeyPair(profile: String) -> ConfigurationError {
        let login =
            profile == ConfigurationDefaults.profile
            ? "coclick auth login" : "coclick auth login --profile \(profile)"
        return ConfigurationError(
            .noKeyPair,
            "no key pair for profile \"\(profile)\": set COCLICK_SECRET_ID and COCLICK_SECRET_KEY, or run \(login)"
        )
    }

    static func malformed(file: String, line: Int?, column: Int?, reason: String) -> ConfigurationError {
        var place = file
        if let line { place += ":\(line)" }
        if let line, let column, line > 0, column > 0 { place += ":\(column)" }
        return ConfigurationError(.malformedFile, "\(place): invalid TOML: \(reason)")
    }
}
