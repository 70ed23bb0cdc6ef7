import CoClickSandbox
import CoClickSandboxTesting
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What a sandbox started by the test itself (`TestSandbox.start`, CoClickSandboxTesting) holds,
/// learnt over raw HTTP (`RawSandbox`, independent of the client under test).
extension TestSandbox {
    /// How many meetings `server` lists, counted over raw HTTP.
    static func meetingCount(_ server: SandboxServer) async throws -> Int {
        try await RawSandbox(server).summaries().count
    }
}
