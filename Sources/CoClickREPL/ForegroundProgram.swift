import Glibc

/// A program that shares the REPL's terminal (the pager, the editor): started through
/// `/bin/sh -c` (so `$PAGER` and `$EDITOR` may hold arguments, as git runs them), in the REPL's
/// process group so that it owns the keyboard as the REPL does, with default signal dispositions
/// (the REPL catches SIGINT and may ignore SIGPIPE), and waited for.
struct ForegroundProgram {
    /// A shell command line; `arguments` become its `"$@"`.
    var command: String
    var arguments: [String] = []
    var environment: [String: String]

    /// Starts it with standard input from `input` (nil: the REPL's own); nil when it cannot start.
    func start(input: Int32? = nil) -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let input { posix_spawn_file_actions_adddup2(&actions, input, STDIN_FILENO) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD, SIGWINCH] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        // `sh -c 'less -FRX "$@"' less FILE`: the command's own words, then ours, unquoted by sh.
        let script = arguments.isEmpty ? command : command + " \"$@\""
        let argv = (["/bin/sh", "-c", script, command] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp) == 0 else { return nil }
        return pid
    }

    /// Waits for `pid`; its exit status, or 128 + the signal that ended it.
    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return 127 }
        }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    /// Runs it to its end on the REPL's standard input; its exit status, nil when it could not start.
    func run() -> Int32? {
        guard let pid = start() else { return nil }
        return Self.wait(pid)
    }
}
