/// Makes a TOML parser message safe to print: toml++ quotes the character it stopped at
/// (`expected value-terminator, saw 'x'`), which may be a piece of a key written without
/// quotes. The line and column already say where; the quoted text is dropped.
enum TOMLErrorText {
    static func safeReason(_ message: String) -> String {
        var text = message.replacing(/,?\s*saw\s+'[^']*'?/, with: "")
        if text.hasPrefix("Error while parsing ") { text.removeFirst("Error while parsing ".count) }
        text = text.replacing(/\s+/, with: " ").trimmingCharacters(in: " ")
        return text.isEmpty ? "syntax error" : text
    }
}

private extension String {
    func trimmingCharacters(in set: Character) -> String {
        var slice = Substring(self)
        while slice.first == set { slice = slice.dropFirst() }
        while slice.last == set { slice = slice.dropLast() }
        return String(slice)
    }
}
