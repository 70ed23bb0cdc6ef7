/// Every failure of the API core. `kind.name` is the string scripts see (`bad_request`, ...).
/// Nothing in it ever holds a secret: body excerpts are bounded and scrubbed.
public struct CoClickError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String, Sendable, Hashable {
            case validation, badRequest = "bad_request", unauthorized, notFound = "not_found"
            case server, unavailable, network, timeout, decode, uncertain
        }
        private let code: Code
        private init(_ code: Code) { self.code = code }

        public static let validation = Kind(.validation)
        public static let badRequest = Kind(.badRequest)
        public static let unauthorized = Kind(.unauthorized)
        public static let notFound = Kind(.notFound)
        public static let server = Kind(.server)
        public static let unavailable = Kind(.unavailable)
        public static let network = Kind(.network)
        public static let timeout = Kind(.timeout)
        public static let decode = Kind(.decode)
        /// A keyed create whose earlier POST has no known outcome, and no meeting found for it.
        public static let uncertain = Kind(.uncertain)

        /// The SPEC's name: `validation`, `bad_request`, `unauthorized`, `not_found`, `server`,
        /// `unavailable`, `network`, `timeout`, `decode`, `uncertain`.
        public var name: String { code.rawValue }
        public var description: String { name }
    }

    public var kind: Kind
    public var status: Int?
    public var message: String
    /// Field name to messages, for `validation`.
    public var validationErrors: [String: [String]]
    /// At most `CoClickError.excerptLimit` characters of the response body, scrubbed of secrets.
    public var bodyExcerpt: String?
    /// True when the request certainly never left this machine (no connection was made): a
    /// POST that failed so created nothing.
    public var requestNeverSent = false

    public static let excerptLimit = 200

    public init(
        _ kind: Kind, status: Int? = nil, message: String,
        validationErrors: [String: [String]] = [:], bodyExcerpt: String? = nil
    ) {
        self.kind = kind
        self.status = status
        self.message = message
        self.validationErrors = validationErrors
        self.bodyExcerpt = bodyExcerpt.map { String($0.prefix(Self.excerptLimit)) }
    }

    /// `CoClick 422: user: User must exist; starts_at: please specify a start date`, or
    /// `CoClick timeout: ...` when there was no HTTP status.
    public var description: String {
        let head = status.map { "CoClick \($0)" } ?? "CoClick \(kind.name)"
        return "\(head): \(message)"
    }

    /// Fields in the order the API documents them, then the rest alphabetically, so that
    /// messages are stable and read as the API's own example does.
    static let documentedFieldOrder = [
        "user", "starts_at", "cobrowsing_url", "cobrowsing_cookies_data", "custom_data",
        "presenter_waiting_room_iframe_url", "prospect_waiting_room_iframe_url",
    ]

    static func orderedFields(_ errors: [String: [String]]) -> [String] {
        errors.keys.sorted { a, b in
            let ia = documentedFieldOrder.firstIndex(of: a) ?? Int.max
            let ib = documentedFieldOrder.firstIndex(of: b) ?? Int.max
            return ia != ib ? ia < ib : a < b
        }
    }

    /// `user: User must exist; starts_at: please specify a start date`.
    static func validationMessage(_ errors: [String: [String]]) -> String {
        orderedFields(errors).map { field in
            let messages = errors[field] ?? []
            return messages.isEmpty ? field : "\(field): \(messages.joined(separator: ", "))"
        }.joined(separator: "; ")
    }
}
