import AsyncHTTPClient
import CoClickSandbox
import CoClickSandboxTesting
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// An HTTP exchange with a sandbox, seen from the outside.
struct Exchange {
    var status: Int
    var headers: [(String, String)]
    var body: String

    func header(_ name: String) -> String? {
        headers.first(where: { $0.0.lowercased() == name.lowercased() })?.1
    }

    /// The body as JSON (Foundation's reading; enough for inspection).
    var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed]) }
    var object: [String: Any]? { json as? [String: Any] }
    var array: [[String: Any]]? { json as? [[String: Any]] }
}

/// A running sandbox plus helpers to talk to it over loopback HTTP.
struct Harness {
    let server: SandboxServer

    static func with(
        _ configure: (inout SandboxConfiguration) throws -> Void = { _ in },
        _ body: (Harness) async throws -> Void
    ) async throws {
        try await withSandbox(configure: configure) { server in try await body(Harness(server: server)) }
    }

    func send(
        _ method: HTTPMethod, _ path: String, token: String? = nil, headers: [(String, String)] = [],
        body: String? = nil, timeout: TimeAmount = .seconds(10)
    ) async throws -> Exchange {
        var request = HTTPClientRequest(url: server.baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 1 << 22)
        return Exchange(
            status: Int(response.status.code),
            headers: response.headers.map { ($0.name, $0.value) },
            body: String(buffer: bytes)
        )
    }

    func authenticate() async throws -> Exchange {
        try await send(.POST, "/authenticate", body: #"{"secret_id":"\#(server.secretID)","secret_key":"\#(server.secretKey)"}"#)
    }

    func token() async throws -> String {
        let exchange = try await authenticate()
        try #require(exchange.status == 200)
        return try #require(exchange.object?["token"] as? String)
    }

    /// Every meeting summary, page by page.
    func allSummaries(token: String, query: String = "") async throws -> [[String: Any]] {
        var all: [[String: Any]] = []
        for page in 1... {
            let exchange = try await send(.GET, "/meetings\(query)", token: token, headers: [("X-Page", "\(page)"), ("X-Per", "100")])
            let items = try #require(exchange.array)
            all += items
            if items.count < 100 { break }
        }
        return all
    }
}
