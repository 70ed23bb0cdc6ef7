import CoClickConfig

/// A configuration problem met when the first API call needs a client (no key pair, a broken
/// `config.toml`, a failing `secret_key_command`). The bindings raise it in Lua as an error of
/// kind "configuration" whose message is this description (exit status 3 if uncaught).
struct ClientConfigurationError: Error, CustomStringConvertible, Sendable {
    var message: String
    init(_ error: ConfigurationError) {
        // ConfigurationError's text is for a whole line (`coclick: ...`); the runner adds its own prefix.
        var text = error.description
        if text.hasPrefix("coclick: ") { text.removeFirst("coclick: ".count) }
        message = text
    }
    var description: String { message }
}

/// Why a session could not start: the in-process sandbox failed to listen.
package struct SessionStartError: Error, CustomStringConvertible, Sendable {
    package var message: String
    /// The exit status the SPEC gives it.
    package var status: Int32
    package var description: String { message }
}

extension Session {
    /// A session for `options`; when none can start, says why on standard error and gives the
    /// exit status instead (5: the sandbox could not listen; 1: no memory for the Lua state).
    static func opened(_ options: RunOptions) -> Result<Session, SessionStartError> {
        do {
            return .success(try Session(options: options))
        } catch let error as SessionStartError {
            StandardStreams.writeError("coclick: \(error)\n")
            return .failure(error)
        } catch {
            StandardStreams.writeError("coclick: \(error)\n")
            return .failure(SessionStartError(message: "\(error)", status: ExitStatus.luaError))
        }
    }
}
