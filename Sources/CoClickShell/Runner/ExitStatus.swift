import CoClickLua

/// The SPEC's exit statuses (cron alerts on them).
public enum ExitStatus {
    public static let success: Int32 = 0
    /// An uncaught Lua error (syntax or runtime) other than the ones below.
    public static let luaError: Int32 = 1
    /// Unknown option, missing script file.
    public static let usage: Int32 = 2
    /// No key pair for the profile, or another configuration problem.
    public static let configuration: Int32 = 3
    /// Authentication rejected.
    public static let unauthorized: Int32 = 4
    /// CoClick unreachable or failing (network, timeout, 5xx after retries).
    public static let unavailable: Int32 = 5
    /// The output could not be written (here: the `--report` of a successful run).
    public static let outputFailed: Int32 = 74
    /// `--lock`: another run holds the lock.
    public static let locked: Int32 = 75
    /// `--timeout` elapsed.
    public static let timedOut: Int32 = 124
    /// SIGINT.
    public static let interrupted: Int32 = 130

    /// The status of an uncaught error: an error table maps by its `kind`.
    static func of(_ error: LuaError) -> Int32 {
        if error.kind == .interrupted { return interrupted }
        if error.kind == .file { return usage }
        if let kind = error.fields?["kind"]?.stringValue { return of(kind: kind) }
        return luaError
    }

    /// The status of an API error kind (SPEC names, plus "configuration").
    public static func of(kind: String) -> Int32 {
        switch kind {
        case "configuration": configuration
        case "unauthorized": unauthorized
        case "network", "timeout", "server", "unavailable": unavailable
        default: luaError
        }
    }
}
