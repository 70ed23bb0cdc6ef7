import Testing

@testable import CoClickAPI

/// Where `coclick api` and `coclick.api.*` send a request: under the base URL, whatever the path says.
@Suite("escape-hatch paths")
struct APIPathTests {
    static let base = "https://www.coclick.io/api/v1"

    @Test func relativePathsGoUnderTheBaseURL() throws {
        for (path, relative) in [
            ("/meetings", "/meetings"), ("meetings", "/meetings"),
            ("/meetings?q%5Bstatus%5D=closed", "/meetings?q%5Bstatus%5D=closed"),
            (Self.base + "/meetings/abc", "/meetings/abc"), (Self.base, "/"),
        ] {
            let target = try APIPath(path, baseURL: Self.base + "/")
            #expect(target.relative == relative, "\(path)")
            #expect(target.url == Self.base + relative, "\(path)")
        }
        #expect(try APIPath("/meetings?per=1", baseURL: Self.base).url(adding: "q=x") == Self.base + "/meetings?per=1&q=x")
    }

    @Test func nothingLeadsElsewhere() {
        let refused = [
            "https://evil.example.com/api/v1/meetings", "//evil.example.com/meetings",
            "https://www.coclick.io/api/v10/meetings", "https://www.coclick.io:8443/api/v1/meetings",
            "http://www.coclick.io/api/v1/meetings", "/../admin", "/meetings/%2E%2e/x", "/a b", "/x#frag", "",
        ]
        for path in refused {
            #expect(throws: CoClickError.self, "\(path)") { try APIPath(path, baseURL: Self.base) }
        }
        // A base URL without a path: "@host" must not become the authority.
        let bare = try? APIPath("@evil.example.com/x", baseURL: "https://api.example.com")
        #expect(bare?.url == "https://api.example.com/@evil.example.com/x")
    }

    @Test func secretsInTheReplyAreScrubbed() {
        let key = "0123456789abcdef"
        let body = JSONValue.object(["echo": .array([.string("key=\(key)")]), key: .string("x")])
        // Whole values only: "ab" inside the key's hex is not a word of its own.
        let clean = body.redacted(by: Redactor(secrets: [key, "ab"]))
        #expect(clean == .object(["echo": .array([.string("key=[REDACTED]")]), "[REDACTED]": .string("x")]))
    }
}
