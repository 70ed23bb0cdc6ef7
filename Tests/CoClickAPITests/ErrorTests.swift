import Foundation
import Testing

@testable import CoClickAPI

@Suite("Errors")
struct ErrorTests {
    static let validationBody = """
        { "token": null, "status": "scheduled", "starts_at": null, "duration": null,
          "cobrowsing_url": null, "cobrowsing_cookies_data": [], "user": null, "custom_data": null,
          "presenter_waiting_room_iframe_url": null, "prospect_waiting_room_iframe_url": null,
          "prospect_room_url": null, "presenter_room_url": null,
          "errors": { "user": ["User must exist"],
                      "starts_at": ["please specify a start date"],
                      "cobrowsing_url": ["Please specify a cobrowsing URL", "Cobrowsing URL is not valid"] } }
        """

    func classify(_ status: Int, _ body: String, contentType: String? = nil) -> CoClickError? {
        ResponseClassifier.error(status: status, body: Data(body.utf8), contentType: contentType, scrub: { $0 })
    }

    @Test func validationBodyIsValidationOn422And400() throws {
        for status in [400, 422] {
            let error = try #require(classify(status, Self.validationBody))
            #expect(error.kind == .validation)
            #expect(error.kind.name == "validation")
            #expect(error.status == status)
            #expect(error.validationErrors["user"] == ["User must exist"])
            #expect(error.validationErrors["cobrowsing_url"] == ["Please specify a cobrowsing URL", "Cobrowsing URL is not valid"])
            #expect(
                error.description == "CoClick \(status): user: User must exist; starts_at: please specify a start date; "
                    + "cobrowsing_url: Please specify a cobrowsing URL, Cobrowsing URL is not valid")
        }
    }

    @Test func specDescriptionExample() throws {
        let error = try #require(classify(422, #"{"errors":{"starts_at":["please specify a start date"],"user":["User must exist"]}}"#))
        #expect(error.description == "CoClick 422: user: User must exist; starts_at: please specify a start date")
        #expect("\(error)" == error.description)
    }

    @Test func aSuccessCarryingErrorsIsValidation() throws {
        let error = try #require(classify(200, #"{"token":null,"errors":{"user":["User must exist"]}}"#))
        #expect(error.kind == .validation)
        #expect(classify(200, #"{"token":"x","errors":{}}"#) == nil)
        #expect(classify(201, #"{"token":"x"}"#) == nil)
    }

    @Test(arguments: [
        (400, "bad_request"), (401, "unauthorized"), (404, "not_found"), (422, "validation"),
        (429, "unavailable"), (503, "unavailable"), (500, "server"), (502, "server"), (504, "server"),
    ])
    func statusMapping(status: Int, kind: String) throws {
        let error = try #require(classify(status, #"{"error":"nope"}"#))
        #expect(error.kind.name == kind)
        #expect(error.status == status)
        #expect(error.description.hasPrefix("CoClick \(status): "))
        #expect(error.message.contains("nope"))
    }

    @Test func htmlErrorPageIsNamed() throws {
        let error = try #require(classify(502, "<!DOCTYPE html><html><body>Bad gateway</body></html>", contentType: "text/html"))
        #expect(error.kind == .server)
        #expect(error.message.contains("HTML"))
        let decode = ResponseClassifier.notJSON(
            status: 200, body: Data("<html>login</html>".utf8), contentType: nil,
            what: "list meetings", scrub: { $0 })
        #expect(decode.kind == .decode)
        #expect(decode.message.contains("HTML"))
    }

    @Test func excerptIsBoundedAndScrubbed() throws {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJjb21wYW55IjoxfQ.sig-nature_x"
        let body = "{\"error\":\"bad \(jwt) secretvalue\"," + String(repeating: "x", count: 1000) + "}"
        let error = ResponseClassifier.error(
            status: 500, body: Data(body.utf8), contentType: nil,
            scrub: Redactor(secrets: ["secretvalue"]).redact)
        let excerpt = try #require(error?.bodyExcerpt)
        #expect(excerpt.count <= CoClickError.excerptLimit)
        #expect(!excerpt.contains("eyJhbGci"))
        #expect(!excerpt.contains("secretvalue"))
        #expect(error?.description.contains("secretvalue") == false)
        #expect(error?.description.contains(jwt) == false)
    }

    @Test func descriptionWithoutStatusNamesTheKind() {
        let error = CoClickError(.timeout, message: "http://h:1 did not answer in time")
        #expect(error.description == "CoClick timeout: http://h:1 did not answer in time")
    }

    @Test func kindNames() {
        let kinds: [CoClickError.Kind] = [.validation, .badRequest, .unauthorized, .notFound, .server, .unavailable, .network, .timeout, .decode]
        #expect(
            kinds.map(\.name) == ["validation", "bad_request", "unauthorized", "not_found", "server", "unavailable", "network", "timeout", "decode"])
    }
}
