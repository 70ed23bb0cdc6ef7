import CoClickConfig
import CoClickLua
import CoClickPOSIX
import Glibc

/// Writes for the runner. Data goes to standard output through C stdio, the same buffer Lua's
/// `print` and `io.write` use, so the order is kept; messages go to standard error unbuffered,
/// one `write` per line so lines from several threads (the HTTP trace) do not interleave.
package enum StandardStreams {
    static func writeOutput(_ text: String) {
        // Swift's print writes through C stdio's stdout, the buffer Lua's print uses.
        print(text, terminator: "")
    }

    package static func writeError(_ text: String) {
        FileDescriptorOutput.writeAll(text, to: STDERR_FILENO)
    }

    /// Flushes what C stdio buffers (before exiting by `_exit`, which does not).
    static func flush() {
        fflush(nil)  // every C stdio stream
    }

    /// Ignores SIGPIPE for the whole process, so that a closed pipe on standard output is a
    /// write error (EPIPE, exit 74 with a message) rather than a silent death. Children get
    /// SIGPIPE back at their start (`ChildProcess`).
    package static func ignoreBrokenPipes() {
        BrokenPipes.ignore()  // for the rest of the process
    }

    /// The status a run that ends with `status` exits with: 74, with a line on standard error,
    /// when standard output could not be written in full (flushed here, so nothing buffered is
    /// lost unseen), since nothing may be reported as success that was not written; a run
    /// stopped by --timeout or a signal keeps that status.
    package static func finalStatus(_ status: Int32) -> Int32 {
        guard StandardOutputGuard.failure(flushing: true) != nil else { return status }
        StandardOutputGuard.report()
        if [ExitStatus.timedOut, ExitStatus.interrupted, ExitStatus.terminated].contains(status) { return status }
        return ExitStatus.outputFailed
    }

    /// Called when an uncaught error is shown: if it is the failed write itself (its message
    /// names it, with the script's line), `finalStatus` need not say it again.
    static func noteReported(_ message: String) {
        if StandardOutputGuard.failure(flushing: false) != nil, message.contains(StandardOutputGuard.failureMessage) {
            StandardOutputGuard.setReported()
        }
    }

    static var inputIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }
    static var outputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
}
