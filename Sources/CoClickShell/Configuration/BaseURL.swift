/// Checks and normalizes a base URL: an `http` or `https` URL with a host, without a
/// trailing slash (the client appends `/authenticate`, `/meetings`, ...).
enum BaseURL {
    static func normalized(_ text: String, source: ValueSource) throws -> String {
        var url = Substring(text.trimmingWhitespace())
        while url.hasSuffix("/") { url = url.dropLast() }
        let lowered = url.lowercased()
        let scheme = ["https://", "http://"].first { lowered.hasPrefix($0) }
        guard let scheme, url.count > scheme.count,
              !url.contains(where: { $0 == " " || $0 == "\n" || $0 == "\t" }) else {
            throw ConfigurationError(
                .invalidValue,
                "invalid base URL \"\(text)\" (\(source)): it must look like https://www.coclick.io/api/v1"
            )
        }
        return String(url)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
