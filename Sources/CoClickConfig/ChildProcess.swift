import Glibc

// The child being waited for, for the exits that cannot wait (`--timeout`, a signal): its
// process group (negative) or, for an interactive child in ours, its pid. 0: none.
nonisolated(unsafe) private var runningChild: pid_t = 0

/// Runs a program with posix_spawn, capturing its standard output within a time and size
/// bound. Standard error is inherited. Foundation's Process offers no bound on either, and
/// its pipe reads cannot be abandoned when a grandchild keeps the pipe open.
///
/// A non-interactive child runs in a process group of its own, killed whole when it ends
/// (what it left running in the background goes too), when it overruns its bounds, and when
/// the run ends before it does (`killRunning()`, from the run guard's exits).
package enum ChildProcess {
    enum Ending: Equatable {
        case exited(Int32)
        case signal(Int32)
        case timedOut
        case outputTooLarge
    }

    struct Outcome {
        var ending: Ending
        var output: [UInt8]
    }

    struct SpawnFailure: Error { var errno: Int32 }

    /// - Parameter interactive: keep our standard input and process group (the program may
    ///   talk to the terminal); otherwise its standard input is `/dev/null` and it runs in a
    ///   process group of its own, all of which is killed on timeout.
    static func run(
        arguments: [String], environment: [String: String], interactive: Bool,
        timeout: Duration, outputLimit: Int
    ) throws(SpawnFailure) -> Outcome {
        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0 else { throw SpawnFailure(errno: errno) }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        // Neither end may leak into other programs; the child gets the write end by dup2.
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, writeEnd, STDOUT_FILENO)
        if !interactive {
            posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Signals we ignore or block (SIGPIPE, SIGINT for a REPL) must not stay so in the child.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var flags = Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        if !interactive {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        close(writeEnd)
        guard spawned == 0 else {
            close(readEnd)
            throw SpawnFailure(errno: spawned)
        }
        runningChild = interactive ? pid : -pid
        defer { runningChild = 0 }

        let deadline = ContinuousClock.now.advanced(by: timeout)
        var output: [UInt8] = []
        var ending: Ending?
        var buffer = [UInt8](repeating: 0, count: 4096)
        reading: while true {
            let remaining = milliseconds(until: deadline)
            if remaining <= 0 { ending = .timedOut; break }
            var descriptor = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(remaining, 100)))
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if ready == 0 {
                // The child is done: what it left in the background may hold the pipe open.
                if childExited(pid) { break reading }
                continue
            }
            let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                break
            }
            if count == 0 { break reading }
            output.append(contentsOf: buffer[0..<count])
            if output.count > outputLimit { ending = .outputTooLarge; break }
        }
        for index in buffer.indices { buffer[index] = 0 }
        close(readEnd)

        // Output is complete (or abandoned); now the exit status, within the same deadline.
        if ending == nil {
            while !childExited(pid) {
                if milliseconds(until: deadline) <= 0 { ending = .timedOut; break }
                usleep(10_000)
            }
        }
        // Before reaping (the group keeps its id): nothing the command started outlives it.
        kill(interactive ? pid : -pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return Outcome(ending: ending ?? decode(status), output: output)
    }

    /// Kills the child being waited for, if any (its whole group when it has one). Only
    /// async-signal-safe work: called on the way to `_exit`.
    package static func killRunning() {
        let target = runningChild
        if target != 0 { kill(target, SIGKILL) }
    }

    /// Whether `pid` has exited, leaving it to be reaped (its group is killed first).
    private static func childExited(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        if waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 { return errno != EINTR }
        return info._sifields._sigchld.si_pid == pid
    }

    private static func milliseconds(until deadline: ContinuousClock.Instant) -> Int64 {
        let (seconds, attoseconds) = (deadline - .now).components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    private static func decode(_ status: Int32) -> Ending {
        let signal = status & 0x7F
        if signal == 0 { return .exited((status >> 8) & 0xFF) }
        return .signal(signal)
    }
}
