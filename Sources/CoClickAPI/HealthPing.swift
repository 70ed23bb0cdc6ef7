import AsyncHTTPClient
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
        var configuration = HTTPClient.Configuration()
        let nanoseconds = Int64(bound.components.seconds) * 1_000_000_000 + bound.components.attoseconds / 1_000_000_000
        configuration.timeout = .init(connect: .nanoseconds(nanoseconds), read: .nanoseconds(nanoseconds))
        configuration.redirectConfiguration = .disallow
        // A refused connection is a failed ping at once, not retried until the bound.
        configuration.connectionPool.retryConnectionEstablishment = false
        let http = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        var request = HTTPClientRequest(url: url)
        request.method = method == .get ? .GET : .POST
        request.headers.add(name: "User-Agent", value: userAgent)
        if method == .post {
            request.headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let host = AttemptFailure.hostPart(url)
        let outcome: Result<Int, CoClickError>
        do {
            let response = try await http.execute(request, deadline: .now() + .nanoseconds(nanoseconds))
            // The reply says nothing we need; read a little of it so the connection ends cleanly.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            outcome = .success(Int(response.status.code))
        } catch let error as HTTPClientError where [.deadlineExceeded, .readTimeout, .connectTimeout].contains(error) {
            outcome = .failure(CoClickError(.timeout, message: "\(host) did not answer within \(bound)"))
        } catch {
            outcome = .failure(CoClickError(.network, message: "cannot reach \(host): \(error)"))
        }
        try? await http.shutdown()
        return try outcome.get()
    }
}
