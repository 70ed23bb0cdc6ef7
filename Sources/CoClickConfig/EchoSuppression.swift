import CoClickPOSIX
import Glibc

// Signal handlers can only reach globals. One prompt at a time uses them, under `lock`.
nonisolated(unsafe) private var savedTerminal = termios()
nonisolated(unsafe) private var savedTerminalFD: Int32 = -1
nonisolated(unsafe) private var echoInterrupted: sig_atomic_t = 0
nonisolated(unsafe) private var subscription: SignalSubscription?
nonisolated(unsafe) private let lock: UnsafeMutablePointer<pthread_mutex_t> = {
    let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    pthread_mutex_init(mutex, nil)
    return mutex
}()

/// Restores the terminal from the signal handler: only async-signal-safe calls (tcsetattr). The
/// subscription passes the signal on: whatever was there before the prompt (the run guard, a
/// REPL, the default disposition that ends the process) acts on it next.
private func restoreTerminalOnSignal(_ signal: Int32, _ context: UnsafeMutableRawPointer?) {
    if savedTerminalFD >= 0 { tcsetattr(savedTerminalFD, TCSANOW, &savedTerminal) }
    echoInterrupted = 1
}

/// Turns echo off on a terminal until `restore()`, restoring it too if a terminating signal
/// (SIGINT, SIGTERM, SIGHUP, SIGQUIT) arrives meanwhile: a subscription to the signal owner that
/// passes each signal on after restoring the terminal.
struct EchoSuppression {
    private let fd: Int32

    static var interrupted: Bool { echoInterrupted != 0 }

    /// Polls readable once a signal came while echo was off (-1: none), whichever thread took
    /// it: the signal owner wakes it after the handler restored the terminal.
    static var signalDescriptor: Int32 { subscription?.descriptor ?? -1 }

    init(fd: Int32) throws {
        self.fd = fd
        pthread_mutex_lock(lock)
        var current = termios()
        guard tcgetattr(fd, &current) == 0 else {
            let error = errno
            pthread_mutex_unlock(lock)
            throw ConfigurationError(.secretInput, "cannot read the terminal settings: \(String(cString: strerror(error)))")
        }
        savedTerminal = current
        savedTerminalFD = fd
        echoInterrupted = 0
        // The read must see EINTR (the owner's handler does not restart calls): the handler
        // restores the terminal, the read gives up.
        subscription = SignalSubscription([SIGINT, SIGTERM, SIGHUP, SIGQUIT], passingOn: true, handler: restoreTerminalOnSignal)
        var silent = current
        silent.c_lflag &= ~tcflag_t(ECHO | ECHONL)
        silent.c_lflag |= tcflag_t(ICANON)
        if tcsetattr(fd, TCSAFLUSH, &silent) != 0 {
            let error = errno
            restore()
            throw ConfigurationError(.secretInput, "cannot turn off echo on the terminal: \(String(cString: strerror(error)))")
        }
    }

    /// Restores the terminal settings and ends the subscription to the signals.
    func restore() {
        subscription?.cancel()
        subscription = nil
        var saved = savedTerminal
        tcsetattr(fd, TCSANOW, &saved)
        savedTerminalFD = -1
        pthread_mutex_unlock(lock)
    }
}
