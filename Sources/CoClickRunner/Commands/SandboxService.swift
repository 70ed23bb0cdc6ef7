import CoClickLua
import CoClickPOSIX
import CoClickSandbox
import Glibc

/// `coclick sandbox`: serves a CoClick-compatible API on loopback until SIGINT or SIGTERM.
/// Prints the banner (a comment line and three shell assignments) on standard output first.
package enum SandboxService {
    /// Serves until SIGINT or SIGTERM; the exit status (0, or 5 when it cannot listen).
    package static func serve(_ configuration: SandboxConfiguration) -> Int32 {
        // Subscribed to the signal owner before the server starts: a signal that comes while it
        // starts stops it as gracefully, once it has started.
        let signals = SignalSubscription([SIGINT, SIGTERM])
        defer { signals.cancel() }
        let server: SandboxServer
        do {
            server = try waitForAsyncWork { try await SandboxServer.start(configuration) }
        } catch {
            StandardStreams.writeError("coclick: \(error)\n")
            return ExitStatus.unavailable
        }
        let banner = """
            # CoClick sandbox listening on \(server.baseURL)
            export COCLICK_BASE_URL=\(server.baseURL)
            export COCLICK_SECRET_ID=\(server.secretID)
            export COCLICK_SECRET_KEY=\(server.secretKey)

            """
        // Unbuffered: a script waits for these lines while the sandbox serves.
        FileDescriptorOutput.writeAll(banner, to: STDOUT_FILENO)
        let name = signals.wait() == SIGINT ? "SIGINT" : "SIGTERM"
        StandardStreams.writeError("coclick: sandbox stopping (\(name)); \(server.stats)\n")
        do {
            try waitForAsyncWork { await server.stop() }
        } catch {
            StandardStreams.writeError("coclick: \(error)\n")
        }
        return ExitStatus.success
    }
}
