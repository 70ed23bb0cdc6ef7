import CoClickLua
import CoClickPOSIX
import CoClickSandbox
import Dispatch
import Foundation

/// `coclick sandbox`: serves a CoClick-compatible API on loopback until SIGINT or SIGTERM.
/// Prints the banner (a comment line and three shell assignments) on standard output first.
package enum SandboxService {
    /// Serves until SIGINT or SIGTERM; the exit status (0, or 5 when it cannot listen).
    package static func serve(_ configuration: SandboxConfiguration) -> Int32 {
        do {
            return try waitForAsyncWork { await run(configuration) }
        } catch {
            StandardStreams.writeError("coclick: \(error)\n")
            return ExitStatus.unavailable
        }
    }

    private static func run(_ configuration: SandboxConfiguration) async -> Int32 {
        let server: SandboxServer
        do {
            server = try await SandboxServer.start(configuration)
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
        let signal = await waitForTerminationSignal()
        StandardStreams.writeError("coclick: sandbox stopping (\(signal)); \(server.stats)\n")
        await server.stop()
        return ExitStatus.success
    }

    /// Suspends until SIGINT or SIGTERM arrives; returns its name.
    private static func waitForTerminationSignal() async -> String {
        let sources = SignalLock<[DispatchSourceSignal]>([])
        let name = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            let once = SignalLock(false)
            for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
                Foundation.signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler {
                    let first = once.withLock { fired -> Bool in
                        defer { fired = true }
                        return !fired
                    }
                    if first { continuation.resume(returning: name) }
                }
                source.resume()
                sources.withLock { $0.append(source) }
            }
        }
        sources.withLock { $0.forEach { $0.cancel() } }
        return name
    }
}

/// A lock-guarded value shared with the signal handlers.
private final class SignalLock<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
