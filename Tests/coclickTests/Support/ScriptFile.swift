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
