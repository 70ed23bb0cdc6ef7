import CoClickAPI
import CoClickConfig
import Testing

@testable import CoClickRunner

/// `ClientProvider` is the one lazy client cache: the bindings ask it at every API call.
@Suite struct ClientProviderTests {
    /// Counts the factory's calls, and makes it fail while `failing` is set.
    private final class Factory {
        var calls = 0
        var failing = true
    }

    @Test func theClientIsMadeOnceAndAFailureIsNotKept() async throws {
        let factory = Factory()
        let provider = ClientProvider {
            factory.calls += 1
            if factory.failing { throw ConfigurationError.noKeyPair(profile: "default") }
            return CoClickClient(configuration: CoClickConfiguration(baseURL: "http://127.0.0.1:9"))
        }
        #expect(provider.client == nil)
        #expect(throws: ConfigurationError.self) { try provider.get() }
        #expect(provider.client == nil)
        factory.failing = false
        let first = try provider.get()
        let second = try provider.get()
        #expect(first === second)
        #expect(factory.calls == 2)
        try await first.shutdown()
    }
}
