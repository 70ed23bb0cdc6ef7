import Testing

@testable import CoClickConfig

/// The key never shows in the descriptions of the configuration's values (redaction itself is
/// the API core's `Redactor`, tested there).
@Suite("Key pair descriptions")
struct ConfigRedactorTests {
    @Test func keyPairAndProfileDescriptionsNeverShowTheKey() {
        let pair = KeyPair(secretID: "id-1", secretKey: "very-secret-key")
        let settings = ProfileSettings(secretID: "id-1", secretKey: "very-secret-key")
        var dumped = ""
        dump(pair, to: &dumped)
        dump(settings, to: &dumped)
        for text in ["\(pair)", String(reflecting: pair), "\(settings)", String(reflecting: settings), dumped] {
            #expect(!text.contains("very-secret-key"))
            #expect(text.contains("id-1"))
        }
    }
}
