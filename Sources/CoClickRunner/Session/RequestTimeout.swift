import CoClickAPI
import CoClickConfig
import Foundation

/// `COCLICK_REQUEST_TIMEOUT` (seconds, decimals allowed): the bound on one HTTP attempt, in
/// place of the client's 30 s default, so that a scheduled job facing a silent server gives
/// up (exit 5) within a few attempts of that bound rather than minutes later.
enum RequestTimeout {
    static let variable = "COCLICK_REQUEST_TIMEOUT"

    /// The bound the environment sets, nil when it sets none.
    /// - Throws: `ConfigurationError` when the value is not a positive number of seconds.
    static func from(environment: [String: String]) throws -> Duration? {
        guard let text = environment[variable]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let seconds = Double(text), seconds.isFinite, seconds > 0, seconds <= 86_400 else {
            throw ConfigurationError(
                .invalidValue,
                "\(variable) must be a number of seconds above 0, not \"\(text)\"")
        }
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    /// Applies the environment's bound to `configuration` (the connection too: never longer).
    static func apply(to configuration: inout CoClickConfiguration, environment: [String: String]) throws {
        guard let bound = try from(environment: environment) else { return }
        configuration.requestTimeout = bound
        configuration.connectTimeout = min(configuration.connectTimeout, bound)
    }
}
