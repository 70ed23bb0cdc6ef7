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
        let event = HTTPTraceEvent(method: "GET", url: "https://u:pw@h.example/x?q[user]=a%40b&access_token=abc&api_key=k",
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
        #expect(Redactor.scrubJWTs("Bearer \(secretToken) end") == "Bearer [redacted] end")
        #expect(Redactor(secrets: ["hunter22"]).scrub("pw hunter22!") == "pw [redacted]!")
    }

    @Test func sha256KnownVectors() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(String(repeating: "a", count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
