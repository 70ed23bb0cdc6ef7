import CoClickAPI
import CoClickSandbox
import CoClickSandboxTesting
import Foundation
import Testing

@Suite("Token cache against the sandbox")
struct TokenCacheIntegrationTests {
    @Test func concurrentClientsShareTheFileCacheAndAuthenticateOnce() async throws {
        try await withSandbox(faults: "latency=50ms") { server in
            let directory = try temporaryDirectory()
            let companies = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        // A separate store and client each, as separate processes would have.
                        try await TestClient(server, store: FileTokenStore(directory: directory)).run { client in
                            _ = try await client.listMeetings(per: 1)
                            return try await client.token().company
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(companies.count == 8)
            #expect(server.stats.authentications == 1)
        }
    }

    @Test func cacheFileIsPrivateAndHoldsNoKey() async throws {
        try await withSandbox { server in
            let directory = try temporaryDirectory()
            let store = FileTokenStore(directory: directory)
            try await TestClient(server, store: store).run { client in
                _ = try await client.token()
            }
            let key = TokenKey(profile: "default", baseURL: server.baseURL, secretID: server.secretID)
            let path = store.path(for: key)
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(!text.contains(server.secretKey))
            #expect(!path.contains(server.secretID))
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".tmp.") }
            #expect(leftovers.isEmpty)

            // A second client (a later process) reuses it without authenticating.
            try await TestClient(server, store: FileTokenStore(directory: directory)).run { client in
                _ = try await client.listMeetings(per: 1)
            }
            #expect(server.stats.authentications == 1)

            // Logout forgets it.
            try await TestClient(server, store: store).run { client in try await client.forgetToken() }
            #expect(!FileManager.default.fileExists(atPath: path))
            #expect(try await store.load(key) == nil)
        }
    }

    @Test func aTokenIsNeverSentToAnotherBaseURL() async throws {
        try await withSandbox { first in
            try await withSandbox { second in
                let directory = try temporaryDirectory()
                try await TestClient(first, store: FileTokenStore(directory: directory)).run { client in
                    _ = try await client.token()
                }
                // Same profile and directory, another base URL: its own authentication.
                try await TestClient(second, store: FileTokenStore(directory: directory)).run { client in
                    _ = try await client.listMeetings(per: 1)
                }
                #expect(second.stats.authentications == 1)
                #expect(second.stats.unauthorized == 0)
            }
        }
    }
}
