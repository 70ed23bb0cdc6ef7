/// What the text before the cursor asks Tab to complete.
enum CompletionContext: Equatable {
    /// A name: a global (`base` empty, no separator) or a field of the table at `base` after
    /// `.` or `:` (`coclick.meetings.li` is base ["coclick", "meetings"], ".", "li").
    case name(base: [String], separator: Character?, partial: String)
    /// A meeting status inside a string after `status=` (`status = "sch`).
    case status(partial: String)
    /// Nothing to complete here (a number, a string, after `)`...).
    case none

    static let statuses = ["scheduled", "in_progress", "closed", "cancelled"]

    init(before text: String) {
        let chars = Array(text)
        if let (quoteAt, partial) = Self.openString(chars) {
            let head = String(chars[..<quoteAt]).trimmingTrailingSpaces
            if head.hasSuffix("=") {
                let key = String(head.dropLast()).trimmingTrailingSpaces
                let word = key.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                if String(word.reversed()) == "status" {
                    self = .status(partial: partial)
                    return
                }
            }
            self = .none
            return
        }
        // The chain of names and separators that ends at the cursor.
        var start = chars.count
        while start > 0, Self.isChainCharacter(chars[start - 1]) { start -= 1 }
        let chain = chars[start...]
        if let first = chain.first, first.isNumber || first == "." || first == ":" { self = .none; return }
        if start > 0, [")", "]", "\"", "'", "}"].contains(chars[start - 1]) { self = .none; return }
        var partial = ""
        var separator: Character?
        var baseText = Substring("")
        if let cut = chain.lastIndex(where: { $0 == "." || $0 == ":" }) {
            separator = chain[cut]
            partial = String(chain[(cut + 1)...])
            baseText = Substring(String(chain[..<cut]))
        } else {
            partial = String(chain)
        }
        let base = baseText.isEmpty ? [] : baseText.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if base.contains(where: { $0.isEmpty || $0.contains(":") || $0.first?.isNumber == true }) {
            self = .none
            return
        }
        if separator != nil && base.isEmpty { self = .none; return }
        self = .name(base: base, separator: separator, partial: partial)
    }

    private static func isChainCharacter(_ c: Character) -> Bool {
        (c.isASCII && (c.isLetter || c.isNumber)) || c == "_" || c == "." || c == ":"
    }

    /// Where the string still open at the end of `chars` starts (its quote), and its text so
    /// far; nil when no string is open. Short strings only, and `--` comments end the scan.
    private static func openString(_ chars: [Character]) -> (Int, String)? {
        var quote: Character?
        var quoteAt = 0
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                if c == "\\" { i += 2; continue }
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
                quoteAt = i
            } else if c == "-" && i + 1 < chars.count && chars[i + 1] == "-" {
                return nil
            }
            i += 1
        }
        guard quote != nil else { return nil }
        return (quoteAt, String(chars[(quoteAt + 1)...]))
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
