import Hummingbird
import NIOCore

/// HTTPTypes' field type, reached through the type Hummingbird re-exports.
typealias HTTPField = HTTPFields.Element

/// Routes requests under `/api/v1` to the endpoints, with fault injection in front.
///
/// Routing is done by hand: four routes, and every miss must be a JSON 404 like Rails'.
struct SandboxResponder: HTTPResponder {
    typealias Context = SandboxContext

    let endpoints: SandboxEndpoints
    let faults: FaultInjector
    let hangs: HangRegistry
    let fallbackOrigin: String

    private enum Route {
        case authenticate, list, create, get(String), unknown
        var isAuthentication: Bool { if case .authenticate = self { true } else { false } }
        var isMeeting: Bool {
            switch self {
            case .list, .create, .get: true
            case .authenticate, .unknown: false
            }
        }
    }

    func respond(to request: Request, context: SandboxContext) async throws -> Response {
        let route = Self.route(method: request.method, path: request.uri.path)
        let isList = if case .list = route { true } else { false }
        endpoints.stats.withLock { stats in
            stats.requests += 1
            stats.requestsInFlight += 1
            stats.mostRequestsInFlight = max(stats.mostRequestsInFlight, stats.requestsInFlight)
            if isList {
                stats.listsInFlight += 1
                stats.mostListsInFlight = max(stats.mostListsInFlight, stats.listsInFlight)
            }
        }
        defer {
            endpoints.stats.withLock { stats in
                stats.requestsInFlight -= 1
                if isList { stats.listsInFlight -= 1 }
            }
        }
        let plan = faults.plan
        if let latency = plan.latency, latency > .zero {
            try? await Task.sleep(for: latency)
        }
        if request.method == .post && !route.isAuthentication { endpoints.stats.withLock { $0.writes += 1 } }
        if route.isAuthentication || route.isMeeting, let fault = faults.draw(isAuthentication: route.isAuthentication) {
            endpoints.stats.withLock { $0.faultsInjected += 1 }
            switch fault {
            case .status(let code):
                var reply = Reply.error(code, HTTPResponse.Status(code: code).reasonPhrase)
                if let seconds = plan.retryAfter, code == 429 || code == 503 {
                    reply.headers.append(("Retry-After", String(seconds)))
                }
                return Self.response(reply)
            case .html:
                return Self.response(Reply(status: 502, body: Self.badGatewayPage, contentType: "text/html"))
            case .hang:
                // The request is really served (a create does create), its answer never sent:
                // the outcome a client cannot know, as when a reply is lost on the way.
                _ = await serve(route, request: request, plan: plan)
                await hangs.hang(on: context.channel)
                return Self.response(.error(503, "Service Unavailable"))
            case .malformed:
                // The request is really served (a create does create), then its answer is cut short.
                var reply = await serve(route, request: request, plan: plan)
                let bytes = Array(reply.body.utf8)
                reply.body = String(decoding: bytes.prefix(max(1, bytes.count / 2)), as: UTF8.self)
                reply.status = 200
                return Self.response(reply)
            }
        }
        return Self.response(await serve(route, request: request, plan: plan))
    }

    private func serve(_ route: Route, request: Request, plan: FaultPlan) async -> Reply {
        if route.isMeeting, !endpoints.isAuthorized(request.headers[.authorization]) {
            endpoints.stats.withLock { $0.unauthorized += 1 }
            return .unauthorized
        }
        let origin = request.head.authority.map { "http://\($0)" } ?? fallbackOrigin
        switch route {
        case .authenticate:
            guard let body = await Self.body(of: request) else { return .error(413, "Payload Too Large") }
            return endpoints.authenticate(body: body, tokenTTL: plan.tokenTTL)
        case .list:
            return endpoints.list(
                query: request.uri.query,
                pageHeader: request.headers[HTTPField.Name("X-Page")!],
                perHeader: request.headers[HTTPField.Name("X-Per")!]
            )
        case .create:
            guard let body = await Self.body(of: request) else { return .error(413, "Payload Too Large") }
            return endpoints.create(body: body, origin: origin)
        case .get(let id):
            return endpoints.get(id: id, origin: origin)
        case .unknown:
            return .notFound
        }
    }

    private static func route(method: HTTPRequest.Method, path: String) -> Route {
        let parts = path.split(separator: "/")
        guard parts.count >= 3, parts[0] == "api", parts[1] == "v1" else { return .unknown }
        switch (method, parts.count, parts[2]) {
        case (.post, 3, "authenticate"): return .authenticate
        case (.get, 3, "meetings"): return .list
        case (.post, 3, "meetings"): return .create
        case (.get, 4, "meetings"): return .get(QueryFilter.decode(parts[3]))
        default: return .unknown
        }
    }

    /// The request body, or nil when it exceeds `SandboxEndpoints.maxBodyBytes`.
    private static func body(of request: Request) async -> [UInt8]? {
        var request = request
        guard let buffer = try? await request.collectBody(upTo: SandboxEndpoints.maxBodyBytes) else { return nil }
        return Array(buffer.readableBytesView)
    }

    private static func response(_ reply: Reply) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = reply.contentType
        for (name, value) in reply.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(
            status: HTTPResponse.Status(code: reply.status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: reply.body))
        )
    }

    private static let badGatewayPage = """
        <html>
        <head><title>502 Bad Gateway</title></head>
        <body>
        <center><h1>502 Bad Gateway</h1></center>
        <hr><center>nginx</center>
        </body>
        </html>

        """
}
