import Foundation

/// Where an escape-hatch request (`coclick api`, `coclick.api.get/post`) goes: always under the
/// base URL, so that the bearer token never leaves it. A path is relative to the base URL
/// (`/meetings`, `meetings`, `/meetings?q[user]=...`); an absolute URL is taken only when it
/// is under the base URL.
public struct APIPath: Sendable, Hashable {
    /// The path as logged and traced: `/meetings?...`, relative to the base URL.
    public let relative: String
    /// The full URL.
    public let url: String

    /// - Throws: `CoClickError` (`bad_request`) for an absolute URL elsewhere, `..` segments,
    ///   spaces, control characters or a fragment.
    public init(_ path: String, baseURL: String) throws {
        func refuse(_ why: String) -> CoClickError {
            CoClickError(.badRequest, message: "api: \(why)")
        }
        guard !path.isEmpty else { throw refuse("the path is empty") }
        guard !path.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
            throw refuse("the path must not hold spaces or control characters (percent-encode them)")
        }
        let base = CoClickConfiguration.normalize(baseURL)
        var rest = path
        if path.contains("://") || path.hasPrefix("//") {
            let shown = HTTPTraceEvent.redactURL(path)
            guard path.hasPrefix(base), path.count == base.count || ["/", "?"].contains(path.dropFirst(base.count).first) else {
                throw refuse(
                    "\(shown) is not under the base URL \(base): the token is sent to the base URL only; give a path relative to it, such as /meetings"
                )
            }
            rest = String(path.dropFirst(base.count))
        }
        if rest.contains("#") { throw refuse("the path must not hold a fragment (#)") }
        if !rest.hasPrefix("/") { rest = "/" + rest }
        let pathPart = rest.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        for segment in pathPart.split(separator: "/") {
            let lowered = segment.lowercased().replacingOccurrences(of: "%2e", with: ".")
            if lowered == ".." { throw refuse("the path must not climb out of the base URL (..)") }
        }
        relative = rest
        url = base + rest
        // Belt and braces: whatever the text, the request goes where the base URL points.
        guard let target = URLComponents(string: url), let origin = URLComponents(string: base),
            target.scheme?.lowercased() == origin.scheme?.lowercased(),
            target.host?.lowercased() == origin.host?.lowercased(), target.port == origin.port
        else {
            throw refuse("\(HTTPTraceEvent.redactURL(path)) does not lead to the base URL's host")
        }
    }

    /// The URL with `query` (already encoded) added to the query string it may hold.
    func url(adding query: String?) -> String {
        guard let query, !query.isEmpty else { return url }
        return url + (url.contains("?") ? "&" : "?") + query
    }

    /// The relative path with `query` added, as logged and traced.
    public func relative(adding query: String?) -> String {
        guard let query, !query.isEmpty else { return relative }
        return relative + (relative.contains("?") ? "&" : "?") + query
    }

    /// A webhook URL as logs show it: scheme, host and port, the rest hidden (a webhook's path
    /// is often its secret).
    public static func redactedWebhook(_ url: String) -> String {
        AttemptFailure.hostPart(url) + "/" + Redactor.placeholder
    }
}
