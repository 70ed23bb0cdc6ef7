import Foundation
import NIOHTTP1

/// A reply of an escape-hatch request.
public struct APIReply: Sendable {
    public var status: Int
    /// Header names lowercased; a repeated header's values joined with ", ".
    public var headers: [String: String]
    /// The decoded JSON body; nil when the body is empty (a 204).
    public var body: JSONValue?
}

extension CoClickClient {
    /// Any endpoint under the base URL (`coclick api`, `coclick.api.get/post`), with the
    /// client's authentication (a 401 renews the token once), retries (GET only: a POST is
    /// never retried once it may have reached the server) and redaction: the secret key and
    /// the token are scrubbed from the reply even when the server echoes them.
    /// - Parameters:
    ///   - query: an encoded query string added to the path's own.
    ///   - headers: extra request headers (`X-Page`, `X-Per`).
    /// - Throws: `CoClickError`: `bad_request` for a path outside the base URL (nothing is sent),
    ///   the API's error kinds for a status outside 2xx, `decode` for a body that is not JSON.
    public func send(
        _ method: HTTPMethod, path: String, query: String? = nil, headers: [(String, String)] = [],
        body: JSONValue? = nil
    ) async throws -> APIReply {
        let target = try APIPath(path, baseURL: configuration.baseURL)
        let what = "\(method.rawValue) \(target.relative)"
        let exchange = try await authorized(
            method, url: target.url(adding: query), headers: headers,
            body: body.map { $0.jsonData() }, what: what)
        // The run's one redactor knows the key and every token issued (the one just used too).
        let redactor = redaction.current
        var decoded: JSONValue?
        if !exchange.body.isEmpty {
            decoded = try json(exchange, what: what).redacted(by: redactor)
        }
        var fields: [String: String] = [:]
        for (name, value) in exchange.headers {
            let key = name.lowercased()
            let clean = redactor.redact(value)
            fields[key] = fields[key].map { $0 + ", " + clean } ?? clean
        }
        return APIReply(status: exchange.status, headers: fields, body: decoded)
    }
}

extension JSONValue {
    /// The value with every secret the redactor knows hidden in its strings (keys included).
    func redacted(by redactor: Redactor) -> JSONValue {
        guard !redactor.isEmpty else { return self }
        func walk(_ value: JSONValue) -> JSONValue {
            switch value {
            case .string(let s): return .string(redactor.redact(s))
            case .array(let items): return .array(items.map(walk))
            case .object(let fields):
                return .object(Dictionary(fields.map { (redactor.redact($0.key), walk($0.value)) }, uniquingKeysWith: { first, _ in first }))
            default: return value
            }
        }
        return walk(self)
    }
}
