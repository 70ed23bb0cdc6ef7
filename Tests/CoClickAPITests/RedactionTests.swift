import Foundation
import Testing

@testable import CoClickAPI

@Suite("Redaction")
struct RedactionTests {
    let secretToken = "eyJhbGciOiJIUzI1NiJ9.eyJjb21wYW55IjoxLCJleHAiOjE2NTY1OTU0MTR9.C9vzSECRET"

    @Test func tokenNeverPrints() {
        let token = Token(value: secretToken, expiresAt: Date(timeIntervalSince1970: 0), company: "Acme", baseURL: "http://h")
        for text in [token.description, token.debugDescription, "\(token)", String(reflecting: token), "\([token])"] {
            #expect(!text.contains("C9vz"), "\(text)")
            #expect(!text.contains("eyJ"), "\(text)")
        }
        var dumped = ""
        dump(token, to: &dumped)
        #expect(!dumped.contains("C9vz"))
        #expect(token.description.contains("Acme"))
    }

    @Test func credentialsNeverPrintTheKey() {
        let credentials = Credentials(secretID: "id-123", secretKey: "d49-very-secret-f92")
        for text in [credentials.description, credentials.debugDescription, "\(credentials)", String(reflecting: credentials)] {
            #expect(!text.contains("very-secret"))
        }
        #expect(credentials.description.contains("id-123"))
    }

    @Test func traceRedactsSecretLookingQueriesAndUserInfo() {
        let event = HTTPTraceEvent(
            method: "GET", url: "https://u:pw@h.example/x?q[user]=a%40b&access_token=abc&api_key=k",
            status: 200, duration: .milliseconds(12), bytes: 10, attempt: 2)
        #expect(!event.url.contains("pw"))
        #expect(!event.url.contains("=abc"))
        #expect(!event.url.contains("=k"))
        #expect(event.url.contains("q[user]=a%40b"))
        #expect(event.description.contains("GET"))
        #expect(event.description.contains("-> 200"))
        #expect(event.description.contains("attempt 2"))
    }

    @Test func jwtShapedTextIsScrubbed() {
        #expect(Redactor.scrubJWTs("Bearer \(secretToken) end") == "Bearer [REDACTED] end")
        #expect(Redactor(secrets: ["hunter22"]).redact("pw hunter22!") == "pw [REDACTED]!")
    }

    @Test func replacesEveryOccurrenceOfEverySecret() {
        let redactor = Redactor(secrets: ["s3cr3t-key", "tok.en.123"])
        let text = "key=s3cr3t-key token: Bearer tok.en.123 again s3cr3t-key"
        #expect(redactor.redact(text) == "key=[REDACTED] token: Bearer [REDACTED] again [REDACTED]")
    }

    @Test func hidesJSONEscapedAndPercentEncodedForms() {
        let redactor = Redactor(secrets: ["a/b+c d\"e"])
        #expect(redactor.redact(#"{"secret_key":"a\/b+c d\"e"}"#) == #"{"secret_key":"[REDACTED]"}"#)
        #expect(redactor.redact("secret_key=a%2Fb%2Bc%20d%22e&x=1") == "secret_key=[REDACTED]&x=1")
        #expect(Redactor(secrets: ["k3y"]).redact("q=a%3Dk3y%26") == "q=a%3D[REDACTED]%26")
    }

    @Test func onlyWholeValuesAreHidden() {
        // A short key never eats letters out of other words.
        let short = Redactor(secrets: ["k"])
        #expect(short.redact("coclick k: kind k") == "coclick [REDACTED]: kind [REDACTED]")
        let redactor = Redactor(secrets: ["abcd", "abcdefgh"])
        #expect(redactor.redact("xabcdefghx abcdefgh abcd abcd_1 (abcd)") == "xabcdefghx [REDACTED] [REDACTED] abcd_1 ([REDACTED])")
        #expect(Redactor(secrets: ["d49f"]).redact("d49f92 \"d49f\"") == "d49f92 \"[REDACTED]\"")
    }

    @Test func emptySecretsAndUnrelatedTextAreLeftAlone() {
        let redactor = Redactor(secrets: [""])
        #expect(redactor.isEmpty)
        #expect(redactor.redact("nothing secret here") == "nothing secret here")
        let adding = redactor.adding("here")
        #expect(adding.redact("nothing secret here") == "nothing secret [REDACTED]")
    }

    /// A server echoing the key in a 422's `errors` (in a message or as a field name): scrubbed
    /// where the error is made, in the message, the errors table and the excerpt.
    @Test func validationErrorsAreScrubbedWhereMade() throws {
        let key = "0f1e2d3c4b5a"
        let body = #"{"errors":{"secret_key":["\#(key) is not valid"],"\#(key)":["unknown field"]}}"#
        let error = try #require(
            ResponseClassifier.error(
                status: 422, body: Data(body.utf8), contentType: "application/json",
                scrub: Redactor(secrets: [key]).redact))
        #expect(error.kind == .validation)
        let texts =
            [error.message, error.description, error.bodyExcerpt ?? ""]
            + error.validationErrors.keys + error.validationErrors.values.flatMap { $0 }
        for text in texts { #expect(!text.contains(key), "\(text)") }
        #expect(error.validationErrors["secret_key"] == ["[REDACTED] is not valid"])
        let redacted = CoClickError(.server, status: 500, message: "boom \(key)", validationErrors: ["f": [key]], bodyExcerpt: key)
            .redacted(by: Redactor(secrets: [key]))
        #expect(redacted.message == "boom [REDACTED]" && redacted.validationErrors == ["f": ["[REDACTED]"]] && redacted.bodyExcerpt == "[REDACTED]")
    }

    @Test func sha256KnownVectors() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(String(repeating: "a", count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
