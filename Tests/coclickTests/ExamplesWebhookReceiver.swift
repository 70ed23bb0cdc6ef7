import Foundation

/// A chat webhook stand-in on 127.0.0.1: a `LoopbackAPI` that answers `POST /hook/STATUS` with
/// that status (e.g. `/hook/200`, `/hook/500`) and keeps every body posted there.
final class WebhookReceiver: Sendable {
    private let server: LoopbackAPI
    var port: Int { server.port }

    /// A URL answered with `status`.
    func url(status: Int) -> String { "http://127.0.0.1:\(port)/hook/\(status)" }

    /// The bodies posted to a hook so far, in arrival order.
    var bodies: [Data] { server.requests.filter { Self.hookStatus($0) != nil }.map(\.body) }

    private init(server: LoopbackAPI) { self.server = server }

    static func start() async throws -> WebhookReceiver {
        WebhookReceiver(
            server: try await LoopbackAPI.start { request in
                guard let status = hookStatus(request) else { return .init(status: 404, headers: [], body: "") }
                return .init(status: status, body: "{\"ok\":\(status < 300)}")
            })
    }

    /// The status a `POST /hook/STATUS` asks for (200 when STATUS is not a number); nil for
    /// any other request, which is not a hook's.
    private static func hookStatus(_ request: LoopbackAPI.Request) -> Int? {
        let parts = request.path.split(separator: "/")
        guard request.method == "POST", parts.count == 2, parts[0] == "hook" else { return nil }
        return Int(parts[1]) ?? 200
    }

    func stop() async { await server.stop() }
}
