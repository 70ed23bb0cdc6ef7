import Glibc

/// Checks and normalizes a base URL: an `http` or `https` URL with a host, without a
/// trailing slash (the client appends `/authenticate`, `/meetings`, ...).
package enum BaseURL {
    static func normalized(_ text: String, source: ValueSource) throws -> String {
        var url = Substring(text.trimmingWhitespace())
        while url.hasSuffix("/") { url = url.dropLast() }
        let lowered = url.lowercased()
        let scheme = ["https://", "http://"].first { lowered.hasPrefix($0) }
        guard let scheme, url.count > scheme.count,
            !url.contains(where: { $0 == " " || $0 == "\n" || $0 == "\t" })
        else {
            throw ConfigurationError(
                .invalidValue,
                "invalid base URL \"\(text)\" (\(source)): it must look like https://www.coclick.io/api/v1"
            )
        }
        return String(url)
    }
}

extension BaseURL {
    /// The host of a plain `http://` URL (brackets of an IPv6 literal removed); nil for https.
    package static func plainHTTPHost(_ url: String) -> String? {
        guard url.lowercased().hasPrefix("http://") else { return nil }
        var authority = url.dropFirst("http://".count).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        return String(authority.prefix { $0 != ":" }).lowercased()
    }

    /// `localhost`, 127.0.0.0/8 or `::1`: plain http never leaves the machine.
    package static func isLoopback(_ host: String) -> Bool {
        if host.lowercased() == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { $0.elementsEqual([UInt8](repeating: 0, count: 15) + [1]) }
        }
        return false
    }
}

extension String {
    package func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
