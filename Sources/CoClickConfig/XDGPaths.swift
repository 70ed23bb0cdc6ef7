import CoClickPOSIX
import Glibc

/// Where coclick keeps its files, per the XDG Base Directory specification:
/// configuration in `$XDG_CONFIG_HOME/coclick/` (default `~/.config/coclick/`), the token
/// cache in `$XDG_CACHE_HOME/coclick/` (default `~/.cache/coclick/`), REPL history in
/// `$XDG_STATE_HOME/coclick/` (default `~/.local/state/coclick/`).
///
/// The environment is injected so tests never touch the real home directory. Relative or
/// empty XDG values are ignored, as the specification requires.
package struct XDGPaths: Sendable, Hashable {
    /// `.../coclick/`, holding `config.toml`.
    package var configDirectory: String
    /// `.../coclick/`, holding cached tokens and the compiled prelude.
    package var cacheDirectory: String
    /// `.../coclick/`, holding REPL history.
    package var stateDirectory: String

    package var configFile: String { configDirectory + "/config.toml" }
    package var historyFile: String { stateDirectory + "/history" }

    package init(configDirectory: String, cacheDirectory: String, stateDirectory: String) {
        self.configDirectory = configDirectory
        self.cacheDirectory = cacheDirectory
        self.stateDirectory = stateDirectory
    }

    /// Reads `XDG_CONFIG_HOME`, `XDG_CACHE_HOME`, `XDG_STATE_HOME` and `HOME` from
    /// `environment`; without `HOME`, the home directory comes from the password database.
    /// - Throws: ``ConfigurationError`` (`.noHomeDirectory`) when a default is needed and
    ///   no home directory can be found.
    package init(environment: [String: String]) throws {
        try self.init(variables: EnvironmentVariables(environment))
    }

    /// As `init(environment:)`, reading `variables`.
    package init(variables environment: EnvironmentVariables) throws {
        func base(_ variable: String, default relative: String) throws -> String {
            if let value = environment[variable], value.hasPrefix("/") {
                return value
            }
            guard let home = Self.homeDirectory(variables: environment) else {
                throw ConfigurationError(
                    .noHomeDirectory,
                    "cannot find a home directory: set HOME or \(variable)"
                )
            }
            return (home == "/" ? "" : home) + "/" + relative
        }
        self.init(
            configDirectory: Self.join(try base("XDG_CONFIG_HOME", default: ".config"), "coclick"),
            cacheDirectory: Self.join(try base("XDG_CACHE_HOME", default: ".cache"), "coclick"),
            stateDirectory: Self.join(try base("XDG_STATE_HOME", default: ".local/state"), "coclick")
        )
    }

    /// `HOME` when it is absolute, else the password database entry of the current user.
    static func homeDirectory(environment: [String: String]) -> String? {
        homeDirectory(variables: EnvironmentVariables(environment))
    }

    static func homeDirectory(variables environment: EnvironmentVariables) -> String? {
        if let home = environment["HOME"], home.hasPrefix("/") {
            return trimmingTrailingSlashes(home)
        }
        guard let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir else { return nil }
        let home = String(cString: directory)
        return home.hasPrefix("/") ? trimmingTrailingSlashes(home) : nil
    }

    private static func join(_ directory: String, _ name: String) -> String {
        let trimmed = trimmingTrailingSlashes(directory)
        return trimmed == "/" ? "/" + name : trimmed + "/" + name
    }

    private static func trimmingTrailingSlashes(_ path: String) -> String {
        var path = Substring(path)
        while path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
        return String(path)
    }
}
