import CoClickLua

/// Tab completion from the live Lua state: global names, fields after `.` and `:` (read raw:
/// `lua_next` and `lua_rawget`, through `__index` only when it is a plain table, so no Lua code
/// ever runs on Tab), the documented bindings, and meeting statuses after `status=`.
final class Completer {
    struct Completion: Equatable {
        /// Text to insert at the cursor (the rest of a unique candidate, or the common prefix).
        var insert: String
        /// Every candidate, when there is nothing to insert and more than one fits.
        var candidates: [String]
        /// One-line summaries of documented candidates (for the listing).
        var summaries: [String: String] = [:]
        /// The candidates as shown below the line.
        var listing: String? { candidates.count > 1 ? CompletionListing.format(candidates, summaries: summaries) : nil }
    }

    private let state: LuaState
    /// At most this many keys are read from one table.
    var maxKeys = 5000

    init(state: LuaState) {
        self.state = state
    }

    func complete(before text: String) -> Completion {
        switch CompletionContext(before: text) {
        case .none:
            return Completion(insert: "", candidates: [])
        case .status(let partial):
            return Self.completion(partial: partial, from: CompletionContext.statuses)
        case .name(let base, let separator, let partial):
            var names = self.names(base: base, methodsOnly: separator == ":")
            if base.isEmpty { names.formUnion(Self.keywords) }
            var result = Self.completion(partial: partial, from: names.sorted())
            if let prefix = Self.documentedPrefix(base) {
                for name in result.candidates {
                    if let doc = BindingDocs.doc(for: prefix + name) { result.summaries[name] = doc.summary }
                }
            }
            return result
        }
    }

    /// `coclick.time.` for the path coclick, time: where documented names are looked up (nil
    /// when the path holds a subscript: nothing documented lives there).
    private static func documentedPrefix(_ base: [RawKey]) -> String? {
        var names: [String] = []
        for key in base {
            guard case .name(let name) = key else { return nil }
            names.append(name)
        }
        return names.isEmpty ? "" : names.joined(separator: ".") + "."
    }

    /// The names a field of the value at `base` may have (globals when `base` is empty): its
    /// own identifier keys and those of its `__index` tables (a string's methods), read raw.
    func names(base: [RawKey], methodsOnly: Bool) -> Set<String> {
        state.rawKeys(at: base, functionsOnly: methodsOnly, limit: maxKeys).filter(Self.isIdentifier)
    }

    static func completion(partial: String, from names: [String]) -> Completion {
        let matches = names.filter { $0.hasPrefix(partial) }
        guard let first = matches.first else { return Completion(insert: "", candidates: []) }
        if matches.count == 1 { return Completion(insert: String(first.dropFirst(partial.count)), candidates: matches) }
        var common = first
        for name in matches.dropFirst() {
            common = String(zip(common, name).prefix { $0 == $1 }.map(\.0))
        }
        return Completion(insert: String(common.dropFirst(partial.count)), candidates: matches)
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
            && !keywords.contains(s)
    }

    static let keywords: Set<String> = [
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
        "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    ]
}
