import Foundation
import Hummingbird
import Logging
import NIOCore

/// A real HTTP server on 127.0.0.1 standing in for a chat webhook: it keeps every body posted
/// to it and answers `POST /hook/STATUS` with that status (e.g. `/hook/200`, `/hook/500`).
final class WebhookReceiver: Sendable {
    private let received: Received
    private let task: Task<Void, Never>
    let port: Int

    /// A URL answered with `status`.
    func url(status: Int) -> String { "http://127.0.0.1:\(port)/hook/\(status)" }

    /// The bodies received so far, in arrival order.
    var bodies: [Data] { received.all }

    private init(port: Int, task: Task<Void, Never>, received: Received) {
        self.port = port
        self.task = task
        self.received = received
    }

    static func start() async throws -> WebhookReceiver {
        let received = Received()
        let router = Router()
        router.post("hook/:status") { request, context -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            received.append(Data(body.readableBytesView))
            let status = context.parameters.get("status", as: Int.self) ?? 200
            return Response(status: .init(code: status),
                            body: ResponseBody(byteBuffer: ByteBuffer(string: "{\"ok\":\(status < 300)}")))
        }
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger)
        let task = Task {
            try? await app.run()
            continuation.finish()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the webhook receiver did not start"])
        }
        return WebhookReceiver(port: port, task: task, received: received)
    }

    func stop() async {
        task.cancel()
        await task.value
    }
}

/// Bodies received, behind a lock (the router's handler runs on the server's tasks).
private final class Received: @unchecked Sendable {
    private let lock = NSLock()
    private var bodies: [Data] = []

    func append(_ body: Data) { lock.withLock { bodies.append(body) } }
    var all: [Data] { lock.withLock { bodies } }
}
