import Testing
import CoClickSandbox
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A sandbox started by the test itself, and what it holds, learnt over raw HTTP
/// (`RawSandbox`, independent of the client under test).
enum TestSandbox {
    static func start(faults: String? = nil, meetings: Int? = nil) async throws -> SandboxServer {
        var configuration = SandboxConfiguration()
        if let meetings { configuration.meetingCount = meetings }
        if let faults { configuration.faults = try FaultPlan(parsing: faults) }
        return try await SandboxServer.start(configuration)
    }

    /// How many meetings `server` lists, counted over raw HTTP.
    static func meetingCount(_ server: SandboxServer) async throws -> Int {
        try await RawSandbox(server).summaries().count
    }
}
