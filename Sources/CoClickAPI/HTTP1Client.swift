import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A connection of the HTTP/1.1 client. Touched on the client's event loop only.
final class HTTP1Connection: @unchecked Sendable {
    let channel: any Channel
    let handler: HTTP1ExchangeHandler
    let origin: HTTPOrigin
    /// Closes the connection after it has been idle for the client's idle timeout.
    var idleTimer: Scheduled<Void>?

    init(channel: any Channel, handler: HTTP1ExchangeHandler, origin: HTTPOrigin) {
        self.channel = channel
        self.handler = handler
        self.origin = origin
    }
}

/// The HTTP/1.1 client of `HTTPTransport`, on SwiftNIO's codec: kept-alive connections per
/// origin (at most `maximumConnectionsPerOrigin`, the rest of the requests waiting in order),
/// TLS through NIOSSL, a deadline per request over its whole response, a body size limit as
/// bytes arrive, and no redirect ever followed (a 3xx is a response like any other).
///
/// It replaced AsyncHTTPClient, whose general machinery (request validation and its state
/// machines, a connection pool for HTTP/1 and 2, logger metadata) cost about 200,000
/// instructions a request: 2,000 a meeting when listing pages of 100, a fifth of the CPU.
///
/// All its state lives on one event loop (`loop`); requests may start from any thread.
final class HTTP1Client: @unchecked Sendable {
    struct Configuration: Sendable {
        var connectTimeout: TimeAmount
        var tls: TLSConfiguration
        /// As AsyncHTTPClient's default, and as many as a listing's window of pages.
        var maximumConnectionsPerOrigin = 8
        /// A server drops idle connections too; this one closes them first.
        var idleTimeout: TimeAmount = .seconds(60)
        /// Told of each connection made (for `ClientStatistics`).
        var connectionOpened: (@Sendable () -> Void)?
    }

    /// The connections of one origin and the requests waiting for one of them.
    private final class Origin: @unchecked Sendable {  // on the loop only
        var idle: [HTTP1Connection] = []
        /// Connections open or being opened.
        var open = 0
        var waiting: [HTTP1Exchange] = []
    }

    let loop: any EventLoop
    private let configuration: Configuration
    private var origins: [HTTPOrigin: Origin] = [:]
    private var connections: [ObjectIdentifier: HTTP1Connection] = [:]
    /// Made at the first https connection (it reads the system's trust roots).
    private var tlsContext: Result<NIOSSLContext, any Error>?
    private var isShutDown = false

    init(loop: any EventLoop, configuration: Configuration) {
        self.loop = loop
        self.configuration = configuration
    }

    /// Sends `request`; the exchange's promise completes (on `loop`) with the response read in
    /// full, or fails with an `HTTP1Error`, an `HTTP1ConnectError`, NIO's parser or channel
    /// errors, or whatever `cancel` was given.
    func execute(_ request: HTTP1Request, bodyLimit: Int, truncate: Bool, deadline: NIODeadline) -> HTTP1Exchange {
        let exchange = HTTP1Exchange(request: request, promise: loop.makePromise(), bodyLimit: bodyLimit, truncate: truncate)
        onLoop { $0.start(exchange, deadline: deadline) }
        return exchange
    }

    /// Ends `exchange` with `error` if it has not ended, closing its connection if it has one.
    func cancel(_ exchange: HTTP1Exchange, with error: any Error) {
        onLoop { $0.abandon(exchange, with: error) }
    }

    /// Fails the waiting requests, closes every connection and waits until they are closed.
    func shutdown() async {
        let closed = loop.flatSubmit { () -> EventLoopFuture<Void> in
            self.isShutDown = true
            for origin in self.origins.values {
                for exchange in origin.waiting { exchange.finish(.failure(HTTP1Error.shutDown)) }
                origin.waiting = []
            }
            let futures = self.connections.values.map { connection in
                connection.channel.close(promise: nil)
                return connection.channel.closeFuture
            }
            return EventLoopFuture.andAllComplete(futures, on: self.loop)
        }
        try? await closed.get()
    }

    private func onLoop(_ body: @escaping @Sendable (HTTP1Client) -> Void) {
        if loop.inEventLoop {
            body(self)
        } else {
            loop.execute { body(self) }
        }
    }

    private func start(_ exchange: HTTP1Exchange, deadline: NIODeadline) {
        guard !isShutDown else {
            exchange.finish(.failure(HTTP1Error.shutDown))
            return
        }
        exchange.deadline = loop.scheduleTask(deadline: deadline) { [self] in
            abandon(exchange, with: HTTP1Error.deadlineExceeded)
        }
        let key = exchange.request.target.origin
        let origin: Origin
        if let known = origins[key] {
            origin = known
        } else {
            origin = Origin()
            origins[key] = origin
        }
        while let connection = origin.idle.popLast() {
            connection.idleTimer?.cancel()
            connection.idleTimer = nil
            // A connection the server closed is dropped here; its close is counted when seen.
            if connection.channel.isActive {
                run(exchange, on: connection)
                return
            }
        }
        if origin.open < configuration.maximumConnectionsPerOrigin {
            connect(key, for: exchange)
        } else {
            origin.waiting.append(exchange)
        }
    }

    private func run(_ exchange: HTTP1Exchange, on connection: HTTP1Connection) {
        exchange.connection = connection
        connection.handler.send(exchange)
    }

    private func abandon(_ exchange: HTTP1Exchange, with error: any Error) {
        guard !exchange.finished else { return }
        let connection = exchange.connection
        exchange.finish(.failure(error))
        // Its response is no longer wanted: the connection cannot carry another request.
        connection?.channel.close(promise: nil)
    }

    private func connect(_ key: HTTPOrigin, for exchange: HTTP1Exchange) {
        guard let origin = origins[key] else { return }
        origin.open += 1
        let tls: NIOSSLContext?
        do {
            tls = key.secure ? try tlsContextMade() : nil
        } catch {
            origin.open -= 1
            exchange.finish(.failure(HTTP1ConnectError(underlying: error)))
            return
        }
        let serverName = key.isIPAddress ? nil : key.host
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(configuration.connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls { try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName)) }
                    // The transport checks the headers before they get here (NIO's check took
                    // 20,000 instructions a request).
                    try pipeline.addHTTPClientHandlers(enableOutboundHeaderValidation: false)
                    try pipeline.addHandler(HTTP1ExchangeHandler())
                }
            }
        // An address is connected to as it is: NIO's resolver took 1.2 million instructions a
        // connection to look up "127.0.0.1". A name goes through it (both address families,
        // happy eyeballs).
        let channel: EventLoopFuture<any Channel>
        if key.isIPAddress, let address = try? SocketAddress(ipAddress: key.host, port: key.port) {
            channel = bootstrap.connect(to: address)
        } else {
            channel = bootstrap.connect(host: key.host, port: key.port)
        }
        channel.whenComplete { [self] result in
            switch result {
            case .success(let channel):
                connected(channel, origin: key, for: exchange)
            case .failure(let error):
                origin.open -= 1
                exchange.finish(.failure(HTTP1ConnectError(underlying: error)))
                serveWaiting(origin, key)
            }
        }
    }

    private func tlsContextMade() throws -> NIOSSLContext {
        if let tlsContext { return try tlsContext.get() }
        let made = Result { try NIOSSLContext(configuration: configuration.tls) }
        tlsContext = made
        return try made.get()
    }

    private func connected(_ channel: any Channel, origin key: HTTPOrigin, for exchange: HTTP1Exchange) {
        guard let handler = try? channel.pipeline.syncOperations.handler(type: HTTP1ExchangeHandler.self) else {
            channel.close(promise: nil)
            origins[key]?.open -= 1
            exchange.finish(.failure(HTTP1Error.remoteConnectionClosed))
            return
        }
        let connection = HTTP1Connection(channel: channel, handler: handler, origin: key)
        configuration.connectionOpened?()
        connections[ObjectIdentifier(connection)] = connection
        handler.onResponse = { [unowned self, unowned connection] reusable in
            if reusable { self.release(connection) }
        }
        channel.closeFuture.whenComplete { [self] _ in closed(connection) }
        if isShutDown {
            channel.close(promise: nil)
        } else if exchange.finished {
            release(connection)
        } else {
            run(exchange, on: connection)
        }
    }

    /// A connection whose response was read in full serves the next waiting request, or waits idle.
    private func release(_ connection: HTTP1Connection) {
        guard !isShutDown, let origin = origins[connection.origin] else {
            connection.channel.close(promise: nil)
            return
        }
        while !origin.waiting.isEmpty {
            let next = origin.waiting.removeFirst()
            if !next.finished {
                run(next, on: connection)
                return
            }
        }
        connection.idleTimer = loop.scheduleTask(in: configuration.idleTimeout) {
            connection.channel.close(promise: nil)
        }
        origin.idle.append(connection)
    }

    private func closed(_ connection: HTTP1Connection) {
        connection.idleTimer?.cancel()
        connection.idleTimer = nil
        connection.handler.onResponse = nil
        connections[ObjectIdentifier(connection)] = nil
        guard let origin = origins[connection.origin] else { return }
        origin.idle.removeAll { $0 === connection }
        origin.open -= 1
        serveWaiting(origin, connection.origin)
    }

    /// Opens a connection for the first waiting request, if there is room for one.
    private func serveWaiting(_ origin: Origin, _ key: HTTPOrigin) {
        origin.waiting.removeAll { $0.finished }
        guard !isShutDown, !origin.waiting.isEmpty, origin.open < configuration.maximumConnectionsPerOrigin else { return }
        connect(key, for: origin.waiting.removeFirst())
    }
}
