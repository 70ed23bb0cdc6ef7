import CoClickSandbox
import CoClickSandboxTesting
import Foundation
import NIOHTTP1
import Testing

@testable import CoClickAPI

/// The transport's own HTTP/1.1 client: how it reads URLs into request lines, which headers it
/// refuses to send, and that it keeps connections alive and bounded (against the sandbox).
@Suite("HTTP/1.1 client")
struct HTTP1ClientTests {
    @Test func urlsAreSplitIntoOriginAndRequestTarget() throws {
        let page = try #require(HTTPRequestTarget("http://127.0.0.1:8080/api/v1/meetings?q%5Bstatus%5D=closed"))
        #expect(page.origin == HTTPOrigin(secure: false, host: "127.0.0.1", port: 8080, isIPAddress: true))
        #expect(page.pathAndQuery == "/api/v1/meetings?q%5Bstatus%5D=closed")
        #expect(page.origin.hostHeader == "127.0.0.1:8080")

        let named = try #require(HTTPRequestTarget("HTTPS://API.CoClick.example/x/y#part"))
        #expect(named.origin == HTTPOrigin(secure: true, host: "api.coclick.example", port: 443, isIPAddress: false))
        #expect(named.pathAndQuery == "/x/y")
        #expect(named.origin.hostHeader == "api.coclick.example")

        let v6 = try #require(HTTPRequestTarget("https://[::1]:8443"))
        #expect(v6.origin == HTTPOrigin(secure: true, host: "::1", port: 8443, isIPAddress: true))
        #expect(v6.pathAndQuery == "/")
        #expect(v6.origin.hostHeader == "[::1]:8443")

        #expect(HTTPRequestTarget("http://h?x=1")?.pathAndQuery == "/?x=1")
        #expect(HTTPRequestTarget("http://h:80/")?.origin.hostHeader == "h")
        #expect(HTTPRequestTarget("http://h:443/")?.origin.hostHeader == "h:443")
    }

    @Test(arguments: [
        "", "ftp://h/", "http:/h/", "http://", "http:///x", "http://user:secret@h/", "http://h:0/",
        "http://h:65536/", "http://h:80x/", "http://h:/", "http://h /x", "http://h/a b", "http://h/\r\nX: y",
        "http://h/\u{7F}", "http://h\u{E9}/", "http://[::1/", "http://[zz]/", "http://[::1]x/", "http://h%41/",
    ])
    func urlsARequestLineCannotCarryAreRefused(url: String) {
        #expect(HTTPRequestTarget(url) == nil, "\(url.debugDescription)")
    }

    @Test func headersThatWouldSplitTheRequestAreRefused() {
        #expect(HTTPTransport.headersAreValid(["X-Note": "a\tb c", "Authorization": "Bearer x.y.z"]))
        #expect(!HTTPTransport.headersAreValid(["X-Note": "a\r\nX-Injected: 1"]))
        #expect(!HTTPTransport.headersAreValid(["X-Note": "a\nb"]))
        #expect(!HTTPTransport.headersAreValid(["X-Note": "a\u{0}b"]))
        #expect(!HTTPTransport.headersAreValid(["X Note": "a"]))
        #expect(!HTTPTransport.headersAreValid(["X-Note:": "a"]))
        #expect(!HTTPTransport.headersAreValid(["": "a"]))
    }

    /// 40 concurrent requests share at most eight connections (the ones beyond wait for a
    /// connection, in order, and all succeed), and 40 more reuse them; a listing of 21 pages
    /// reuses its window's connections. (A listing's end cancels the requests beyond its last
    /// page, closing their connections: each part has a client of its own.)
    @Test func connectionsAreKeptAliveAndBounded() async throws {
        try await withSandbox(meetings: 2_000) { server in
            let ids = try await Self.withClient(server) { client, _ in
                var ids: [String] = []
                for try await summary in client.meetings(per: 100) { ids.append(summary.id) }
                return ids
            }
            #expect(ids.count == 2_000)

            try await Self.withClient(server) { client, statistics in
                for round in 1...2 {
                    let got = try await withThrowingTaskGroup(of: String.self) { group in
                        for id in ids.prefix(40) { group.addTask { try await client.meeting(id: id).id } }
                        var got: [String] = []
                        for try await id in group { got.append(id) }
                        return got
                    }
                    #expect(Set(got) == Set(ids.prefix(40)))
                    let counts = statistics.snapshot
                    #expect(counts.requests == 40 * round + 1, "\(counts)")  // and the authentication
                    #expect(counts.connections >= 1 && counts.connections <= 8, "\(counts)")
                }
            }

            try await Self.withClient(server) { client, statistics in
                var count = 0
                for try await _ in client.meetings(per: 100) { count += 1 }
                #expect(count == 2_000)
                let counts = statistics.snapshot
                #expect(counts.requests >= 22 && counts.connections <= 8, "\(counts)")
            }
        }
    }

    private static func withClient<T>(
        _ server: SandboxServer, _ body: (CoClickClient, ClientStatistics) async throws -> T
    ) async throws -> T {
        let statistics = ClientStatistics()
        let client = CoClickClient(configuration: TestSandbox.clientConfiguration(server), statistics: statistics)
        do {
            let result = try await body(client, statistics)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
