import Testing
@testable import CoClickShell

@Suite("Redactor")
struct ConfigRedactorTests {
    @Test func replacesEveryOccurrenceOfEverySecret() {
        let redactor = Redactor(secrets: ["s3cr3t-key", "tok.en.123"])
        let text = "key=s3cr3t-key token: Bearer tok.en.123 again s3cr3t-key"
        #expect(redactor.redact(text) == "key=[REDACTED] token: Bearer [REDACTED] again [REDACTED]")
    }

    @Test func hidesJSONEscapedAndPercentEncodedForms() {
        let redactor = Redactor(secrets: ["a/b+c d\"e"])
        #expect(redactor.redact(#"{"secret_key":"a\/b+c d\"e"}"#) == #"{"secret_key":"[REDACTED]"}"#)
        #expect(redactor.redact("secret_key=a%2Fb%2Bc%20d%22e&x=1") == "secret_key=[REDACTED]&x=1")
    }

    @Test func longerSecretsAreHiddenWhole() {
        let redactor = Redactor(secrets: ["abcd", "abcdefgh"])
        #expect(redactor.redact("xabcdefghx abcd") == "x[REDACTED]x [REDACTED]")
    }

    @Test func emptySecretsAndUnrelatedTextAreLeftAlone() {
        let redactor = Redactor(secrets: [""])
        #expect(redactor.isEmpty)
        #expect(redactor.redact("nothing secret here") == "nothing secret here")
        let adding = redactor.adding("here")
        #expect(adding.redact("nothing secret here") == "nothing secret [REDACTED]")
    }

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
