import CoClickLua

/// What the text before the cursor asks Tab to complete.
enum CompletionContext: Equatable {
    /// A name: a global (`base` empty, no separator) or a field of the table at `base` after
    /// `.` or `:` (`coclick.meetings.li` is base ["coclick", "meetings"], ".", "li";
    /// `page[1]["custom_data"].us` is base ["page", 1, "custom_data"], ".", "us").
    case name(base: [RawKey], separator: Character?, partial: String)
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
        // The name being typed, then (read backwards) the path it is a field of.
        var start = chars.count
        while start > 0, Self.isNameCharacter(chars[start - 1]) { start -= 1 }
        let partial = String(chars[start...])
        if partial.first?.isNumber == true {
            self = .none
            return
        }
        var separator: Character?
        var base: [RawKey] = []
        var chainStart = start
        if start > 0, chars[start - 1] == "." || chars[start - 1] == ":" {
            separator = chars[start - 1]
            guard let (keys, pathStart) = Self.path(chars, end: start - 1) else {
                self = .none
                return
            }
            base = keys
            chainStart = pathStart
        }
        // A path after `)`, `}`, a string or another separator is no global's: nothing to read raw.
        if chainStart > 0, [")", "]", "\"", "'", "}", ".", ":"].contains(chars[chainStart - 1]) {
            self = .none
            return
        }
        self = .name(base: base, separator: separator, partial: partial)
    }

    /// The keys of the path that ends at `end` (exclusive), read backwards: names joined by `.`
    /// and subscripts `[1]`, `["k"]`, `['k']`, starting with a name. Nil when it is not one.
    private static func path(_ chars: [Character], end: Int) -> ([RawKey], Int)? {
        var keys: [RawKey] = []
        var i = end
        while true {
            if i > 0, chars[i - 1] == "]" {
                guard let (key, open) = subscriptKey(chars, close: i - 1) else { return nil }
                keys.insert(key, at: 0)
                i = open
                continue
            }
            var j = i
            while j > 0, isNameCharacter(chars[j - 1]) { j -= 1 }
            guard j < i, !chars[j].isNumber else { return nil }
            keys.insert(.name(String(chars[j..<i])), at: 0)
            i = j
            guard i > 0, chars[i - 1] == "." else { return (keys, i) }
            i -= 1
        }
    }

    /// The key of the subscript whose `]` is at `close`, and where its `[` is.
    private static func subscriptKey(_ chars: [Character], close: Int) -> (RawKey, Int)? {
        guard close > 0 else { return nil }
        let last = chars[close - 1]
        if last == "\"" || last == "'" {
            var k = close - 2
            while k >= 0, chars[k] != last {
                if chars[k] == "\\" { return nil }  // escapes: too rare to be worth reading
                k -= 1
            }
            guard k >= 1, chars[k - 1] == "[" else { return nil }
            return (.name(String(chars[(k + 1)..<(close - 1)])), k - 1)
        }
        var k = close
        while k > 0, chars[k - 1].isASCII, chars[k - 1].isNumber { k -= 1 }
        if k > 0, chars[k - 1] == "-" { k -= 1 }
        guard k < close, k >= 1, chars[k - 1] == "[", let index = Int64(String(chars[k..<close])) else { return nil }
        return (.index(index), k - 1)
    }

    private static func isNameCharacter(_ c: Character) -> Bool {
        (c.isASCII && (c.isLetter || c.isNumber)) || c == "_"
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
                if c == "\\" {
                    i += 2
                    continue
                }
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
