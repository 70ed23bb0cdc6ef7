import CoClickPOSIX
import Glibc

// Signal handlers can only reach globals. One prompt at a time uses them, under `lock`.
nonisolated(unsafe) private var savedTerminal = termios()
nonisolated(unsafe) private var savedTerminalFD: Int32 = -1
nonisolated(unsafe) private var echoInterrupted: sig_atomic_t = 0
nonisolated(unsafe) private var previousActionList: [sigaction] = Array(repeating: .init(), count: 4)
private let handledSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]
nonisolated(unsafe) private let lock: UnsafeMutablePointer<pthread_mutex_t> = {
    let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    pthread_mutex_init(mutex, nil)
    return mutex
}()

/// Restores the terminal from a signal handler: only async-signal-safe calls (tcsetattr,
/// sigaction, raise).
private func restoreTerminalOnSignal(_ signal: Int32) {
    if savedTerminalFD >= 0 { tcsetattr(savedTerminalFD, TCSANOW, &savedTerminal) }
    echoInterrupted = 1
    for index in 0..<handledSignals.count where handledSignals[index] == signal {
        sigaction(signal, &previousActionList[index], nil)
    }
    raise(signal)
}

/// Turns echo off on a terminal until `restore()`, restoring it too if a terminating signal
/// arrives meanwhile.
struct EchoSuppression {
    private let fd: Int32

    static var interrupted: Bool { echoInterrupted != 0 }

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
        for (index, signal) in handledSignals.enumerated() {
            // The read must see EINTR: the handler restores the terminal, the read gives up.
            previousActionList[index] = installInterruptingHandler(signal, restoreTerminalOnSignal)
        }
        var silent = current
        silent.c_lflag &= ~tcflag_t(ECHO | ECHONL)
        silent.c_lflag |= tcflag_t(ICANON)
        if tcsetattr(fd, TCSAFLUSH, &silent) != 0 {
            let error = errno
            restore()
            throw ConfigurationError(.secretInput, "cannot turn off echo on the terminal: \(String(cString: strerror(error)))")
        }
    }

    /// Restores the terminal settings and the previous signal dispositions.
    func restore() {
        for (index, signal) in handledSignals.enumerated() {
            sigaction(signal, &previousActionList[index], nil)
        }
        var saved = savedTerminal
        tcsetattr(fd, TCSANOW, &saved)
        savedTerminalFD = -1
        pthread_mutex_unlock(lock)
    }
}
