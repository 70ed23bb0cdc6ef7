import AsyncHTTPClient
import CoClickSandbox
import Foundation
import NIOHTTP1
import Testing

@Suite("POST /authenticate and tokens")
struct AuthenticationTests {
    @Test func goodPairGetsAJWTShapedToken() async throws {
        try await Harness.with { sandbox in
            let exchange = try await sandbox.authenticate()
            #expect(exchange.status == 200)
            #expect(exchange.header("Content-Type")?.hasPrefix("application/json") == true)
            let body = try #require(exchange.object)
            #expect(body["company"] as? String == "Acme Demo")
            let token = try #require(body["token"] as? String)
            let parts = token.split(separator: ".", omittingEmptySubsequences: false)
            try #require(parts.count == 3)
            #expect(parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } })
            let payload = try #require(Self.decodeBase64URL(parts[1]))
            let claims = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
            #expect(claims["company"] is Int)
            let exp = try #require(claims["exp"] as? Int)

            // expires_at: ISO 8601 with milliseconds and an offset, the same instant as exp.
            let expiresAt = try #require(body["expires_at"] as? String)
            #expect(expiresAt.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d/) != nil)
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let date = try #require(formatter.date(from: expiresAt))
            #expect(Int(date.timeIntervalSince1970) == exp)
            #expect(abs(date.timeIntervalSinceNow - 3600) < 60)
            #expect(sandbox.server.stats.authentications == 1)
        }
    }

    @Test func wrongPairIs401WithAJSONBody() async throws {
        try await Harness.with { sandbox in
            let wrongKey = String(repeating: "0", count: 64)
            let exchange = try await sandbox.send(
                .POST, "/authenticate", body: #"{"secret_id":"\#(sandbox.server.secretID)","secret_key":"\#(wrongKey)"}"#)
            #expect(exchange.status == 401)
            #expect(exchange.object?["error"] as? String == "Unauthorized")
            #expect(sandbox.server.stats.rejectedAuthentications == 1)
            #expect(sandbox.server.stats.authentications == 0)
        }
    }

    @Test(arguments: ["not json", "[1,2]", #"{"secret_id":"x"}"#, #"{"secret_id":1,"secret_key":2}"#])
    func badBodyIs400(body: String) async throws {
        try await Harness.with { sandbox in
            let exchange = try await sandbox.send(.POST, "/authenticate", body: body)
            #expect(exchange.status == 400)
            #expect(exchange.object?["error"] is String)
        }
    }

    @Test func meetingEndpointsNeedALiveToken() async throws {
        let clock = SandboxClock()
        try await Harness.with({
            $0.tokenTTL = .seconds(60)
            $0.clock = clock
        }) { sandbox in
            for (method, path) in [(HTTPMethod.GET, "/meetings"), (.GET, "/meetings/abc"), (.POST, "/meetings")] {
                let none = try await sandbox.send(method, path, body: method == .POST ? "{}" : nil)
                #expect(none.status == 401, "\(path) without a token")
                #expect(none.object?["error"] as? String == "Unauthorized")
                let unknown = try await sandbox.send(method, path, token: "eyJ.eyJ.sig", body: method == .POST ? "{}" : nil)
                #expect(unknown.status == 401, "\(path) with an unknown token")
            }
            let token = try await sandbox.token()
            #expect(try await sandbox.send(.GET, "/meetings", token: token).status == 200)
            // Half its life later the token still serves; at its end (the sandbox's clock moved,
            // never less than the real time passed) it does not.
            clock.advance(by: .seconds(30))
            #expect(try await sandbox.send(.GET, "/meetings", token: token).status == 200)
            clock.advance(by: .seconds(30))
            let expired = try await sandbox.send(.GET, "/meetings", token: token)
            #expect(expired.status == 401)
            #expect(expired.object?["error"] as? String == "Unauthorized")
            #expect(sandbox.server.stats.unauthorized == 7)
        }
    }

    @Test func tokenTTLFaultOverridesTheConfiguration() async throws {
        try await Harness.with({ $0.faults = try FaultPlan(parsing: "token_ttl=30s") }) { sandbox in
            let expiresAt = try #require(try await sandbox.authenticate().object?["expires_at"] as? String)
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let date = try #require(formatter.date(from: expiresAt))
            #expect(abs(date.timeIntervalSinceNow - 30) < 5)
        }
    }

    static func decodeBase64URL(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
