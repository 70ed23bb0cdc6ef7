import Foundation
import Glibc

/// The environment variables a run reads: the process's own, each read when asked (`getenv`),
/// or a given set (tests; a child's environment). The process's own are never gathered into a
/// dictionary unless every variable is wanted (`all`, for a child process): at start-up, that
/// dictionary was the run's first `[String: String]`, whose first growth costs a scan of every
/// protocol conformance in the binary, for the handful of variables a run reads.
package struct EnvironmentVariables: Sendable {
    /// nil: the process's own.
    private let given: [String: String]?

    /// The process's environment, read at each lookup.
    package static var process: EnvironmentVariables { EnvironmentVariables(given: nil) }

    package init(_ variables: [String: String]) {
        given = variables
    }

    private init(given: [String: String]?) {
        self.given = given
    }

    /// The variable's value (nil when unset; empty when set empty).
    package subscript(name: String) -> String? {
        if let given { return given[name] }
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// Every variable (the environment a child process gets).
    package var all: [String: String] { given ?? ProcessInfo.processInfo.environment }
}
