/// Where a resolved value came from, for `coclick auth status` and for error messages.
package enum ValueSource: Sendable, Hashable, CustomStringConvertible {
    /// A command-line flag, such as `--profile`.
    case flag(String)
    /// An environment variable, such as `COCLICK_PROFILE`.
    case environment(String)
    /// A key of the profile in `config.toml`: the file and the key (`base_url`, `secret_key`).
    case configFile(path: String, key: String)
    /// The standard output of the profile's `secret_key_command` in the file at `path`.
    case secretKeyCommand(path: String)
    /// The built-in default.
    case builtInDefault

    package var description: String {
        switch self {
        case .flag(let name): "flag \(name)"
        case .environment(let name): "environment variable \(name)"
        case .configFile(let path, let key): "\(key) in \(path)"
        case .secretKeyCommand(let path): "secret_key_command in \(path)"
        case .builtInDefault: "default"
        }
    }
}
