import CoClickLua

/// The SPEC's exit statuses (cron alerts on them).
package enum ExitStatus {
    package static let success: Int32 = 0
    /// An uncaught Lua error (syntax or runtime) other than the ones below.
    package static let luaError: Int32 = 1
    /// Unknown option, missing script file.
    package static let usage: Int32 = 2
    /// No key pair for the profile, or another configuration problem.
    package static let configuration: Int32 = 3
    /// Authentication rejected.
    package static let unauthorized: Int32 = 4
    /// CoClick unreachable or failing (network, timeout, 5xx or a reply it cannot decode, after
    /// retries).
    package static let unavailable: Int32 = 5
    /// Standard output could not be written (a full disk, a closed pipe): EX_IOERR.
    package static let outputFailed: Int32 = 74
    /// `--lock`: another run holds the lock (EX_TEMPFAIL).
    package static let locked: Int32 = 75
    /// `--timeout` elapsed.
    package static let timedOut: Int32 = 124
    /// SIGINT.
    package static let interrupted: Int32 = 130
    /// SIGTERM.
    package static let terminated: Int32 = 143

    /// A run stopped by `signal` (`SIGINT`: `interrupted`, `SIGTERM`: `terminated`), as a shell
    /// reports it. Pure arithmetic: safe in a signal handler.
    package static func stopped(by signal: Int32) -> Int32 { 128 + signal }

    /// The status of an uncaught error: an error table maps by its `kind`.
    static func of(_ error: LuaError) -> Int32 {
        if error.kind == .interrupted { return interrupted }
        if error.kind == .file { return usage }
        if let kind = error.fields?["kind"]?.stringValue { return of(kind: kind) }
        return luaError
    }

    /// The status of an API error kind (SPEC names, plus "configuration").
    package static func of(kind: String) -> Int32 {
        switch kind {
        case "configuration": configuration
        case "unauthorized": unauthorized
        case "network", "timeout", "server", "unavailable", "decode": unavailable
        default: luaError
        }
    }
}
