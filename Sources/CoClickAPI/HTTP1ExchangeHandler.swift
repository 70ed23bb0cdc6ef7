import Foundation
import NIOCore
import NIOHTTP1

/// One request from its start to its one outcome. Touched on the client's event loop only.
final class HTTP1Exchange: @unchecked Sendable {
    let request: HTTP1Request
    let promise: EventLoopPromise<HTTPExchange>
    /// Read the body up to this many bytes; beyond it, fail (`truncate == false`) or cut.
    let bodyLimit: Int
    let truncate: Bool
    var deadline: Scheduled<Void>?
    /// The connection it runs on, once it has one.
    var connection: HTTP1Connection?
    private(set) var finished = false

    init(request: HTTP1Request, promise: EventLoopPromise<HTTPExchange>, bodyLimit: Int, truncate: Bool) {
        self.request = request
        self.promise = promise
        self.bodyLimit = bodyLimit
        self.truncate = truncate
    }

    /// The first outcome wins; later ones (a response after the deadline) are dropped.
    func finish(_ result: Result<HTTPExchange, any Error>) {
        guard !finished else { return }
        finished = true
        deadline?.cancel()
        deadline = nil
        connection = nil
        promise.completeWith(result)
    }
}

/// One request as the HTTP/1.1 client sends it.
struct HTTP1Request: Sendable {
    var method: HTTPMethod
    var target: HTTPRequestTarget
    /// Complete: `Host` and the body's framing included.
    var headers: HTTPHeaders
    var body: ByteBuffer?
}

/// The last handler of a connection's pipeline, after NIO's HTTP/1.1 codec: sends an exchange's
/// request and reads its response, one exchange at a time. The size limit applies as bytes
/// arrive (an announced length over it is refused before the body is read). Anything the
/// server sends with no exchange waiting closes the connection.
final class HTTP1ExchangeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    /// Told when an exchange ended with its response read in full, and whether the connection
    /// may carry another (else the handler closes it).
    var onResponse: ((_ reusable: Bool) -> Void)?
    private var context: ChannelHandlerContext?
    private var exchange: HTTP1Exchange?
    private var head: HTTPResponseHead?
    private var body = Data()

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func send(_ exchange: HTTP1Exchange) {
        guard let context, context.channel.isActive else {
            exchange.finish(.failure(HTTP1Error.remoteConnectionClosed))
            return
        }
        self.exchange = exchange
        head = nil
        body = Data()
        let request = exchange.request
        let requestHead = HTTPRequestHead(
            version: .http1_1, method: request.method, uri: request.target.pathAndQuery, headers: request.headers)
        context.write(wrapOutboundOut(.head(requestHead)), promise: nil)
        if let payload = request.body { context.write(wrapOutboundOut(.body(.byteBuffer(payload))), promise: nil) }
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        written.futureResult.whenFailure { error in handler.value.fail(error) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let exchange, !exchange.finished else {
            context.close(promise: nil)
            return
        }
        switch unwrapInboundIn(data) {
        case .head(let received):
            // An interim response (100 Continue, 103 Early Hints) precedes the real one.
            if (100..<200).contains(received.status.code), received.status.code != 101 { return }
            head = received
            let length = received.headers.first(name: "content-length").flatMap { Int($0) }
            if !exchange.truncate, let length, length > exchange.bodyLimit {
                fail(HTTP1Error.bodyTooLarge)
                return
            }
            // Room for an announced body at once (up to 1 MiB: the announcement is the server's word).
            if let length, length > 0 { body.reserveCapacity(min(length, exchange.bodyLimit, 1 << 20)) }
        case .body(let part):
            guard head != nil else { return }
            let room = exchange.bodyLimit - body.count
            guard part.readableBytes <= room else {
                guard exchange.truncate else {
                    fail(HTTP1Error.bodyTooLarge)
                    return
                }
                append(part, upTo: room)
                respond(truncated: true, reusable: false)
                return
            }
            append(part, upTo: part.readableBytes)
        case .end:
            guard let head else { return }
            respond(truncated: false, reusable: head.isKeepAlive)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(HTTP1Error.remoteConnectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
    }

    /// The first `count` readable bytes of `part`, copied from its storage (`Data`'s generic
    /// append took a dynamic cast and an iterator per part).
    private func append(_ part: ByteBuffer, upTo count: Int) {
        part.withUnsafeReadableBytes { raw in
            guard let start = raw.baseAddress, count > 0 else { return }
            body.append(start.assumingMemoryBound(to: UInt8.self), count: min(count, raw.count))
        }
    }

    private func respond(truncated: Bool, reusable: Bool) {
        guard let exchange, let head else { return }
        self.exchange = nil
        let response = HTTPExchange(status: Int(head.status.code), headers: head.headers, body: body, truncated: truncated)
        self.head = nil
        body = Data()
        exchange.finish(.success(response))
        if !reusable { context?.close(promise: nil) }
        onResponse?(reusable)
    }

    /// Ends the exchange with `error` and closes the connection (its state is unknown).
    private func fail(_ error: any Error) {
        guard let exchange else { return }
        self.exchange = nil
        head = nil
        body = Data()
        exchange.finish(.failure(error))
        context?.close(promise: nil)
    }
}
