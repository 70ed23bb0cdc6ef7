import Foundation

/// A healthchecks.io stand-in on 127.0.0.1: a `LoopbackAPI` that answers every request 200 "OK"
/// and keeps what each was (method, path, body).
final class PingReceiver: Sendable {
    struct Ping: Sendable, Equatable {
        var method: String
        var path: String
        var body: String
    }

    private let server: LoopbackAPI
    var port: Int { server.port }

    /// The check's URL, as a user would pass it to --ping.
    var url: String { "http://127.0.0.1:\(port)/ping/check-uuid" }

    var pings: [Ping] {
        server.requests.map { Ping(method: $0.method, path: $0.path, body: String(decoding: $0.body, as: UTF8.self)) }
    }

    private init(server: LoopbackAPI) { self.server = server }

    static func start() async throws -> PingReceiver {
        PingReceiver(server: try await LoopbackAPI.start { _ in .init(status: 200, headers: [], body: "OK") })
    }

    func stop() async { await server.stop() }
}
