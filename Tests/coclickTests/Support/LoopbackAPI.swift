import Foundation
import Hummingbird
import Logging
import NIOCore

/// Runs blocking work (a terminal session) on a thread of its own: the test's concurrency pool
/// thread stays free for the in-process server the child talks to. Expectations belong after it.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}

/// The tests' one small HTTP server on 127.0.0.1, answering every request with what `respond`
/// says: a CoClick look-alike that misbehaves on purpose (echoes secrets, redirects), or a ping
/// or webhook receiver (`PingReceiver`, `WebhookReceiver`, `EchoingAPI` configure it).
/// It logs each request it receives, so a test can wait for one or assert that none came.
final class LoopbackAPI: Sendable {
    struct Request: Sendable {
        var method: String
        var path: String
        var authorization: String?
        var body: Data
    }

    struct Reply: Sendable {
        var status: Int
        var headers: [(String, String)] = [("Content-Type", "application/json")]
        var body: String
    }

    private let log: RequestLog
    private let task: Task<Void, Never>
    let port: Int
    /// `http://127.0.0.1:PORT/api/v1`.
    var baseURL: String { "http://127.0.0.1:\(port)/api/v1" }
    /// Every request received so far, in arrival order.
    var requests: [Request] { log.all }

    private init(port: Int, task: Task<Void, Never>, log: RequestLog) {
        self.port = port
        self.task = task
        self.log = log
    }

    static func start(_ respond: @escaping @Sendable (Request) -> Reply) async throws -> LoopbackAPI {
        let log = RequestLog()
        let router = Router()
        let handler: @Sendable (Hummingbird.Request, BasicRequestContext) async throws -> Response = { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            let received = Request(
                method: request.method.rawValue, path: request.uri.path,
                authorization: request.headers[.authorization], body: Data(body.readableBytesView))
            log.append(received)
            let reply = respond(received)
            var headers = HTTPFields()
            for (name, value) in reply.headers {
                if let field = HTTPFields.Element.Name(name) { headers[field] = value }
            }
            return Response(
                status: .init(code: reply.status), headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(string: reply.body)))
        }
        router.get("**", use: handler)
        router.post("**", use: handler)
        var logger = Logger(label: "loopback-api")
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
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the loopback API did not start"])
        }
        return LoopbackAPI(port: port, task: task, log: log)
    }

    func stop() async {
        task.cancel()
        await task.value
    }
}

/// Requests received, behind a lock (the router's handler runs on the server's tasks).
private final class RequestLog: @unchecked Sendable {
    private let lock = NSLock()
    private var requests: [LoopbackAPI.Request] = []

    func append(_ request: LoopbackAPI.Request) { lock.withLock { requests.append(request) } }
    var all: [LoopbackAPI.Request] { lock.withLock { requests } }
}
