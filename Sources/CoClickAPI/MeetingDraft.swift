import Foundation

/// What can be checked of a `POST /meetings` body without sending it (`--dry-run`): required
/// fields present, `starts_at` a date, URLs absolute http(s) URLs, the JSON fields' shapes.
/// Messages are the API's own where it has one, so that a script handles both alike.
public enum MeetingDraft {
    /// Field name to messages; empty when the body passes every local check.
    public static func problems(_ body: JSONValue) -> [String: [String]] {
        guard case .object(let fields) = body else { return ["base": ["the body must be a JSON object"]] }
        var problems: [String: [String]] = [:]
        switch fields["user"] {
        case .string(let user)? where !user.isEmpty:
            let parts = user.split(separator: "@", omittingEmptySubsequences: false)
            if parts.count != 2 || parts[0].isEmpty || parts[1].isEmpty {
                problems["user"] = ["is not an email address"]
            }
        default: problems["user"] = ["User must exist"]
        }
        switch fields["starts_at"] {
        case .string(let text)?:
            if ISO8601Components(text.trimmingCharacters(in: .whitespaces)) == nil {
                problems["starts_at"] = ["is not an ISO 8601 date (2021-10-30T14:29:33.000+02:00)"]
            }
        case .integer?, .number?: break
        default: problems["starts_at"] = ["please specify a start date"]
        }
        switch fields["cobrowsing_url"] {
        case .string(let url)? where !url.trimmingCharacters(in: .whitespaces).isEmpty:
            if !isWebURL(url) { problems["cobrowsing_url"] = ["Cobrowsing URL is not valid"] }
        default: problems["cobrowsing_url"] = ["Please specify a cobrowsing URL", "Cobrowsing URL is not valid"]
        }
        for field in ["presenter_waiting_room_iframe_url", "prospect_waiting_room_iframe_url"] {
            switch fields[field] {
            case nil, .null?: break
            case .string(let url)? where isWebURL(url): break
            default: problems[field] = ["Iframe URL is not valid"]
            }
        }
        switch fields["cobrowsing_cookies_data"] {
        case nil, .null?: break
        case .array(let cookies)? where cookies.allSatisfy({ $0.objectValue != nil }): break
        default: problems["cobrowsing_cookies_data"] = ["Cobrowsing cookies data is not valid"]
        }
        switch fields["custom_data"] {
        case nil, .null?, .object?: break
        default: problems["custom_data"] = ["Custom data is not valid"]
        }
        return problems
    }

    /// The error a refused draft raises: kind `validation`, no HTTP status (nothing was sent).
    public static func refusal(_ problems: [String: [String]]) -> CoClickError {
        CoClickError(.validation, message: "dry-run: " + CoClickError.validationMessage(problems), validationErrors: problems)
    }

    /// The meeting a dry run returns in place of the created one: the fields sent, the defaults
    /// the API fills in, `dry_run = true`, and no id (none was made).
    public static func dryRunMeeting(_ body: JSONValue) -> JSONValue {
        var fields = body.objectValue ?? [:]
        fields["status"] = fields["status"] ?? .string("scheduled")
        fields["cobrowsing_cookies_data"] = fields["cobrowsing_cookies_data"] ?? .array([])
        fields["custom_data"] = fields["custom_data"] ?? .object([:])
        fields["dry_run"] = .bool(true)
        return .object(fields)
    }

    /// An absolute http(s) URL with a host and no spaces.
    public static func isWebURL(_ text: String) -> Bool {
        guard !text.contains(" "), let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else { return false }
        return true
    }
}
