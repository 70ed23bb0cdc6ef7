/// A response before it becomes a Hummingbird `Response`: faults may still rewrite it.
struct Reply: Sendable {
    var status: Int
    var body: String
    var contentType = "application/json; charset=utf-8"
    var headers: [(String, String)] = []

    init(status: Int, body: String, contentType: String = "application/json; charset=utf-8", headers: [(String, String)] = []) {
        self.status = status
        self.body = body
        self.contentType = contentType
        self.headers = headers
    }

    init(status: Int, json: SandboxJSON, headers: [(String, String)] = []) {
        self.init(status: status, body: json.serialized(), headers: headers)
    }

    /// `{"error": "..."}`, as Rails API controllers answer errors.
    static func error(_ status: Int, _ message: String) -> Reply {
        Reply(status: status, json: .object([("error", .string(message))]))
    }

    static let notFound = error(404, "Not Found")
    static let unauthorized = error(401, "Unauthorized")
}
