import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One healthchecks.io-style ping (`--ping URL`): a GET of `URL/start`, a POST of `URL` or
/// `URL/N` with a text body. Each ping is bounded as a whole, has a connection of its own (the
/// API client may not exist, or be shut down), follows no redirect and carries no credential.
public enum HealthPing {
    public static let bound: Duration = .seconds(10)

    public enum Method: Sendable { case get, post }

    /// Sends one ping and returns the HTTP status; throws a `CoClickError` (`network`,
    /// `timeout`) when no answer came within `bound`.
    public static func send(
        _ method: Method, url: String, body: [UInt8] = [], bound: Duration = HealthPing.bound,
        userAgent: String = "coclick"
    ) async throws -> Int {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw CoClickError(.badRequest, message: "ping URL must start with http:// or https://")
        }
        let host = AttemptFailure.hostPart(url)
        guard let target = HTTPRequestTarget(url) else {
            throw CoClickError(.badRequest, message: "invalid ping URL \(HTTPTraceEvent.redactURL(url))")
        }
        let nanoseconds = Int64(bound.components.seconds) * 1_000_000_000 + bound.components.attoseconds / 1_000_000_000
        let http = HTTP1Client(
            loop: MultiThreadedEventLoopGroup.singleton.next(),
            configuration: .init(connectTimeout: .nanoseconds(nanoseconds), tls: .makeClientConfiguration()))
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: target.origin.hostHeader)
        headers.add(name: "User-Agent", value: userAgent)
        if method == .post {
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
            headers.add(name: "Content-Length", value: String(body.count))
        }
        let request = HTTP1Request(
            method: method == .get ? .GET : .POST, target: target, headers: headers,
            body: method == .post ? ByteBuffer(bytes: body) : nil)
        // The reply says nothing we need: a little of it is read, the rest cut.
        let exchange = http.execute(request, bodyLimit: 64 * 1024, truncate: true, deadline: .now() + .nanoseconds(nanoseconds))
        let outcome: Result<Int, CoClickError>
        do {
            outcome = .success(try await exchange.promise.futureResult.get().status)
        } catch let error as HTTP1Error where error == .deadlineExceeded {
            outcome = .failure(CoClickError(.timeout, message: "\(host) did not answer within \(bound)"))
        } catch let error as HTTP1ConnectError {
            if let e = error.underlying as? ChannelError, case .connectTimeout = e {
                outcome = .failure(CoClickError(.timeout, message: "\(host) did not answer within \(bound)"))
            } else {
                outcome = .failure(CoClickError(.network, message: "cannot reach \(host): \(error)"))
            }
        } catch {
            outcome = .failure(CoClickError(.network, message: "cannot reach \(host): \(error)"))
        }
        await http.shutdown()
        return try outcome.get()
    }
}
