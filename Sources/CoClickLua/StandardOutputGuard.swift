import CLuaSupport

/// Writes to C's standard output that failed (a full disk; a closed pipe, with SIGPIPE ignored):
/// the guarded `print`, `io.write` and file methods of every state raise "cannot write standard
/// output: <reason>" (CLuaSupport's stdout_guard.c); this is the hosts' view of that failure.
public enum StandardOutputGuard {
    /// The start of the failure's message, as the raising call and the final report word it.
    public static let failureMessage = CLUA_STDOUT_FAILURE

    /// errno of the first failed write (nil: none so far), read without touching C stdio (which
    /// a blocked write may hold locked): for another thread, such as the run guard's.
    public static var failedErrno: Int32? {
        let code = clua_stdout_failed()
        return code == 0 ? nil : code
    }

    /// errno of the first failed write (nil: none), after flushing standard output when `flush`.
    public static func failure(flushing flush: Bool) -> Int32? {
        let code = clua_stdout_failure(flush ? 1 : 0)
        return code == 0 ? nil : code
    }

    /// Writes "coclick: cannot write standard output: <reason>" on standard error, once, if a
    /// write failed and no error message named it yet.
    public static func report() { clua_stdout_report() }

    /// The failure was shown already (an uncaught error's message names it): `report` stays quiet.
    public static func setReported() { clua_stdout_set_reported() }
}
