import Testing
import CoClickSandbox
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A sandbox started by the test itself, and raw HTTP against it (independent of the client
/// under test) to learn what it holds.
enum TestSandbox {
    static func start(faults: String? = nil) async throws -> SandboxServer {
        var configuration = SandboxConfiguration()
        if let faults { configuration.faults = try FaultPlan(parsing: faults) }
        return try await SandboxServer.start(configuration)
    }

    /// How many meetings `server` lists, counted over raw HTTP.
    static func meetingCount(_ server: SandboxServer) async throws -> Int {
        var auth = URLRequest(url: URL(string: server.baseURL + "/authenticate")!)
        auth.httpMethod = "POST"
        auth.setValue("application/json", forHTTPHeaderField: "Content-Type")
        auth.httpBody = try JSONSerialization.data(withJSONObject: ["secret_id": server.secretID, "secret_key": server.secretKey])
        let (authBody, _) = try await URLSession.shared.data(for: auth)
        let token = try #require((try JSONSerialization.jsonObject(with: authBody) as? [String: Any])?["token"] as? String)
        var total = 0
        var page = 1
        while true {
            var list = URLRequest(url: URL(string: server.baseURL + "/meetings")!)
            list.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            list.setValue("\(page)", forHTTPHeaderField: "X-Page")
            list.setValue("100", forHTTPHeaderField: "X-Per")
            let (body, _) = try await URLSession.shared.data(for: list)
            let items = try #require(try JSONSerialization.jsonObject(with: body) as? [Any])
            total += items.count
            if items.count < 100 { return total }
            page += 1
        }
    }
}
