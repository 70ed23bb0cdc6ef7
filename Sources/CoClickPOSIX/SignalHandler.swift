import Glibc

/// Installs `handler` for `signal` without SA_RESTART, so that a blocking read sees EINTR and
/// its caller gets control back, and returns the disposition it replaced (to restore later).
package func installInterruptingHandler(_ signal: Int32, _ handler: @convention(c) (Int32) -> Void) -> sigaction {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = handler
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    var previous = sigaction()
    sigaction(signal, &action, &previous)
    return previous
}
