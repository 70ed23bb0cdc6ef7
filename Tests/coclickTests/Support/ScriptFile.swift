import Foundation

extension IsolatedHome {
    /// Writes `text` to a file under the isolated home and returns its path.
    func script(_ name: String, _ text: String, executable: Bool = false) throws -> String {
        let url = root.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        if executable {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        return url.path
    }
}

extension BinaryRun {
    /// Status and both streams, for failure messages.
    var summary: String { "status \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
}

extension BinaryRun {
    /// `coclick(...)` on a thread of its own, for async tests that host a sandbox in this
    /// process: blocking a concurrency pool thread while the child talks to that sandbox could
    /// starve the sandbox of the very threads it needs to answer.
    static func coclickOffPool(
        _ arguments: [String], stdin: String? = nil, environment: [String: String], timeout: Duration = .seconds(60)
    ) async throws -> BinaryRun {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result {
                        try BinaryRun.coclick(arguments, stdin: stdin, environment: environment, timeout: timeout)
                    })
            }
        }
    }
}
