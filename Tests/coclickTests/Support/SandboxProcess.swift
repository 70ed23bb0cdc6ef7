import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A `coclick sandbox` process started by a test, and the variables it printed.
final class SandboxProcess {
    private let process = Process()
    /// COCLICK_BASE_URL, COCLICK_SECRET_ID, COCLICK_SECRET_KEY.
    private(set) var variables: [String: String] = [:]

    init(arguments: [String], environment: [String: String]) throws {
        process.executableURL = BuiltBinary.url
        process.arguments = ["sandbox", "--port", "0"] + arguments
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        let handle = out.fileHandleForReading
        while variables.count < 3, Date() < deadline {
            let data = handle.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
            for line in text.split(separator: "\n") where line.hasPrefix("export ") {
                let assignment = line.dropFirst("export ".count)
                if let eq = assignment.firstIndex(of: "=") {
                    variables[String(assignment[..<eq])] = String(assignment[assignment.index(after: eq)...])
                }
            }
        }
        if variables.count < 3 {
            stop()
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "sandbox printed: \(text)"])
        }
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
