import Foundation

/// Maps an HTTP response that is not a success to a `CoClickError`.
enum ResponseClassifier {
    /// The error for a status outside 2xx, or for a 2xx whose body carries an `errors` object.
    static func error(status: Int, body: Data, contentType: String?, scrub: (String) -> String) -> CoClickError? {
        // Every success passes here: a page or a meeting is parsed once, by its decoder, not twice.
        if (200..<300).contains(status) && !mayCarryErrors(body) { return nil }
        let json = try? JSONValue.parse(body)
        let excerpt = excerpt(body, scrub: scrub)
        if let echoed = json?["errors"].flatMap(validationErrors), !echoed.isEmpty,
            status == 400 || status == 422 || (200..<300).contains(status)
        {
            // A server may echo the key or token in a field name or message.
            var errors: [String: [String]] = [:]
            for (field, messages) in echoed { errors[scrub(field), default: []] += messages.map(scrub) }
            return CoClickError(
                .validation, status: status, message: CoClickError.validationMessage(errors),
                validationErrors: errors, bodyExcerpt: excerpt)
        }
        if (200..<300).contains(status) { return nil }
        let serverMessage = json.flatMap(messageField)
        let kind: CoClickError.Kind
        let fallback: String
        switch status {
        // Not what any endpoint documents, and never followed (it could take the token elsewhere).
        case 300...399:
            kind = .decode
            fallback = "a redirect, not followed (check the base URL)"
        case 400:
            kind = .badRequest
            fallback = "bad request"
        case 401:
            kind = .unauthorized
            fallback = "unauthorized: the API key or token was rejected"
        case 404:
            kind = .notFound
            fallback = "not found"
        case 422:
            kind = .validation
            fallback = "unprocessable request"
        case 429:
            kind = .unavailable
            fallback = "too many requests; try again later"
        case 503:
            kind = .unavailable
            fallback = "service unavailable; try again later"
        case 500...599:
            kind = .server
            fallback = "server error"
        // Redirects are never followed (the token would go along): the server is misbehaving.
        case 300...399:
            kind = .server
            fallback = "unexpected redirect (not followed)"
        default:
            kind = .badRequest
            fallback = "unexpected HTTP status"
        }
        // Scrubbed before cutting, so that a secret cannot survive half-cut.
        var message = serverMessage.map { "\(fallback): \(scrub(String($0.prefix(4096))).prefix(160))" } ?? fallback
        if serverMessage == nil, looksLikeHTML(body, contentType: contentType) {
            message += " (an HTML page, not the API)"
        }
        return CoClickError(kind, status: status, message: message, bodyExcerpt: excerpt)
    }

    /// Whether a body may be an object with an `errors` field: it starts with `{` and holds the
    /// bytes `"errors"` (a cheap test that no such body fails).
    static func mayCarryErrors(_ body: Data) -> Bool {
        body.withUnsafeBytes { raw in
            guard let first = raw.firstIndex(where: { !(0x20 == $0 || 0x0A == $0 || 0x0D == $0 || 0x09 == $0) }),
                raw[first] == UInt8(ascii: "{")
            else { return false }
            let needle: StaticString = "\"errors\""
            let word = UnsafeRawBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
            var i = first
            while i + word.count <= raw.count {
                if raw[i] == word[0] && raw[(i + 1)..<(i + word.count)].elementsEqual(word.dropFirst()) { return true }
                i += 1
            }
            return false
        }
    }

    /// `{"user": ["User must exist"]}`; a single string stands for a list of one.
    static func validationErrors(_ value: JSONValue) -> [String: [String]]? {
        guard case .object(let object) = value else { return nil }
        var result: [String: [String]] = [:]
        for (field, messages) in object {
            switch messages {
            case .string(let s): result[field] = [s]
            case .array(let items): result[field] = items.compactMap { $0.stringValue ?? ($0.isNull ? nil : $0.jsonText()) }
            case .null: continue
            default: result[field] = [messages.jsonText()]
            }
        }
        return result
    }

    private static func messageField(_ json: JSONValue) -> String? {
        json["error"]?.stringValue ?? json["message"]?.stringValue ?? json["error"]?["message"]?.stringValue
    }

    static func looksLikeHTML(_ body: Data, contentType: String?) -> Bool {
        if let contentType, contentType.lowercased().contains("html") { return true }
        let head = String(decoding: body.prefix(64), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return head.hasPrefix("<!doctype html") || head.hasPrefix("<html")
    }

    static func excerpt(_ body: Data, scrub: (String) -> String) -> String? {
        guard !body.isEmpty else { return nil }
        // Scrub before cutting, so that a secret cannot survive half-cut.
        let text = String(decoding: body.prefix(4096), as: UTF8.self)
        return String(scrub(text).prefix(CoClickError.excerptLimit))
    }

    /// A body that should be JSON but is not: `decode`, or `server` for an HTML error page.
    static func notJSON(status: Int, body: Data, contentType: String?, what: String, scrub: (String) -> String) -> CoClickError {
        let html = looksLikeHTML(body, contentType: contentType)
        return CoClickError(
            .decode, status: status,
            message: html ? "\(what): got an HTML page instead of JSON" : "\(what): response is not valid JSON",
            bodyExcerpt: excerpt(body, scrub: scrub))
    }
}
