import CoClickAPI
import Foundation
import Testing

/// Failures that need no server.
@Suite("Network errors")
struct NetworkErrorTests {
    func client(_ baseURL: String, credentials: Credentials? = Credentials(secretID: "id", secretKey: "key-secret-1")) -> CoClickClient {
        var configuration = CoClickConfiguration(baseURL: baseURL, credentials: credentials)
        configuration.retry = RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(5), maxDelay: .milliseconds(10))
        configuration.connectTimeout = .seconds(2)
        return CoClickClient(configuration: configuration)
    }

    @Test func refusedConnectionIsANetworkError() async throws {
        let client = client("http://127.0.0.1:1/api/v1")
        let error = await #expect(throws: CoClickError.self) { try await client.listMeetings() }
        #expect(error?.kind == .network)
        #expect(error?.status == nil)
        #expect(error?.description.contains("key-secret-1") == false)
        try await client.shutdown()
    }

    @Test func bracketedQueryIsAValidURL() async throws {
        // Fails at connecting, not at parsing the URL: `q[user]=a%40b.c` is accepted as is.
        let base = "http://127.0.0.1:1/api/v1"
        let store = MemoryTokenStore()
        _ = try await store.renew(TokenKey(profile: "default", baseURL: base, secretID: "id"), margin: .zero, rejected: nil) {
            Token(value: "cached", expiresAt: Date().addingTimeInterval(3600), company: "c", baseURL: base)
        }
        var configuration = CoClickConfiguration(baseURL: base, credentials: Credentials(secretID: "id", secretKey: "k"))
        configuration.retry = .none
        let client = CoClickClient(configuration: configuration, tokenStore: store)
        let error = await #expect(throws: CoClickError.self) {
            try await client.listMeetings(query: .object(.object(["user": .string("a@b.c"), "s": .array([.string("x y")])])))
        }
        #expect(error?.message.contains("cannot connect") == true, "\(String(describing: error))")
        try await client.shutdown()
    }

    @Test func missingCredentialsAreUnauthorized() async throws {
        let client = client("http://127.0.0.1:1/api/v1", credentials: nil)
        let error = await #expect(throws: CoClickError.self) { try await client.token() }
        #expect(error?.kind == .unauthorized)
        try await client.shutdown()
    }

    @Test func webhookRequiresAnHTTPURL() async throws {
        let client = client("http://127.0.0.1:1/api/v1")
        let error = await #expect(throws: CoClickError.self) { try await client.postJSON(url: "file:///etc/passwd", body: .null) }
        #expect(error?.kind == .badRequest)
        try await client.shutdown()
    }

    @Test func memoryStoreRenewsOnlyWhenNeeded() async throws {
        let store = MemoryTokenStore()
        let key = TokenKey(profile: "p", baseURL: "http://h/api/v1/", secretID: "s")
        #expect(key.baseURL == "http://h/api/v1")
        let calls = Counter()
        let make: @Sendable () async throws -> Token = {
            let n = await calls.next()
            return Token(value: "t\(n)", expiresAt: Date().addingTimeInterval(3600), company: "c", baseURL: "http://h/api/v1")
        }
        #expect(try await store.renew(key, margin: .seconds(60), rejected: nil, authenticate: make).value == "t1")
        #expect(try await store.renew(key, margin: .seconds(60), rejected: nil, authenticate: make).value == "t1")
        #expect(try await store.renew(key, margin: .seconds(60), rejected: "t1", authenticate: make).value == "t2")
        #expect(try await store.renew(key, margin: .seconds(7200), rejected: nil, authenticate: make).value == "t3")
    }
}

actor Counter {
    private var value = 0
    func next() -> Int {
        value += 1
        return value
    }
}
