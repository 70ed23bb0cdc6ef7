import Foundation
import Hummingbird
import Logging
import NIOCore

/// A healthchecks.io stand-in on 127.0.0.1: records every request (method, path, body) and
/// answers 200 "OK".
final class PingReceiver: Sendable {
    struct Ping: Sendable, Equatable {
        var method: String
        var path: String
        var body: String
    }

    private let received: ReceivedPings
    private let task: Task<Void, Never>
    let port: Int

    /// The check's URL, as a user would pass it to --ping.
    var url: String { "http://127.0.0.1:\(port)/ping/check-uuid" }

    var pings: [Ping] { received.all }

    private init(port: Int, task: Task<Void, Never>, received: ReceivedPings) {
        self.port = port
        self.task = task
        self.received = received
    }

    static func start() async throws -> PingReceiver {
        let received = ReceivedPings()
        let router = Router()
        @Sendable func record(_ request: Request) async throws -> Response {
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            received.append(Ping(method: "\(request.method)", path: request.uri.path,
                                 body: String(decoding: body.readableBytesView, as: UTF8.self)))
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "OK")))
        }
        router.get("**") { request, _ in try await record(request) }
        router.post("**") { request, _ in try await record(request) }
        var logger = Logger(label: "ping-receiver")
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
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the ping receiver did not start"])
        }
        return PingReceiver(port: port, task: task, received: received)
    }

    func stop() async {
        task.cancel()
        await task.value
    }
}

private final class ReceivedPings: @unchecked Sendable {
    private let lock = NSLock()
    private var pings: [PingReceiver.Ping] = []
    func append(_ ping: PingReceiver.Ping) { lock.withLock { pings.append(ping) } }
    var all: [PingReceiver.Ping] { lock.withLock { pings } }
}
