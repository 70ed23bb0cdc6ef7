import CLua
import CLuaSupport

extension BindingDocs {
    /// `help()`: every binding on one line each.
    /// Summaries are cut to fit `width` columns (help(f) shows them whole).
    public static func overview(width: Int = 100) -> String {
        let usageWidth = min(all.map(\.usage.count).max() ?? 0, 50)
        var lines = ["The Lua API (help(f) shows one, e.g. help(coclick.meetings.create)):"]
        for doc in all {
            let usage =
                doc.usage.count > usageWidth
                ? doc.usage + "\n" + String(repeating: " ", count: usageWidth + 2)
                : doc.usage.padding(toLength: usageWidth, withPad: " ", startingAt: 0)
            let room = max(20, width - usageWidth - 5)
            let summary = doc.summary.count > room ? String(doc.summary.prefix(room - 1)) + "…" : doc.summary
            lines.append("  " + usage + "  " + summary)
        }
        lines.append(contentsOf: replNotes)
        return lines.joined(separator: "\n")
    }

    /// What the REPL adds beyond its functions (SPEC, "The REPL").
    static let replNotes = [
        "In the REPL: _ holds the first value of the last result; a result longer than the screen",
        "goes through $PAGER (default less -FRX); a single meeting, or a table too wide, prints as a",
        "record (field  value); Tab completes after x[1]. and x[\"k\"]. too.",
    ]

    /// `help(f)`: usage, summary, fields and what it returns.
    public static func detail(_ doc: BindingDoc) -> String {
        var lines = [doc.usage, "  " + doc.summary]
        if !doc.fields.isEmpty {
            let width = doc.fields.map(\.name.count).max() ?? 0
            lines.append(doc.usage.contains("{") && !doc.usage.contains("(") ? "fields:" : "arguments:")
            for field in doc.fields {
                lines.append("  " + field.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + field.summary)
            }
        }
        if let returns = doc.returns { lines.append("returns: " + returns) }
        return lines.joined(separator: "\n")
    }

    /// The entries under a table: `help(coclick.meetings)`.
    public static func listing(under table: String) -> String {
        let docs = all.filter { $0.path.hasPrefix(table + ".") }
        let width = docs.map(\.usage.count).max() ?? 0
        return ([table + ":"] + docs.map { "  " + $0.usage.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.summary })
            .joined(separator: "\n")
    }

    /// Installs the global `help`; `width` measures the terminal for `help()` (nil: 100 columns).
    public static func installHelp(in state: LuaState, width: @escaping () -> Int?) {
        state.register("help") { call in
            // Swift's print writes to C's stdout, the stream Lua's print uses: the order holds.
            print(helpText(call, width: width))
            return .none
        }
    }

    /// What `help(value)` says, `value` being argument 1 of `call`.
    static func helpText(_ call: LuaCall, width: () -> Int?) -> String {
        switch call.type(1) {
        case .none, .nil:
            return width().map { overview(width: $0) } ?? overview()
        case .string:
            let name = call.stringValue(1) ?? ""
            if let doc = doc(for: name) { return detail(doc) }
            if namespaces.contains(name) { return listing(under: name) }
            return "no help for \(name.debugDescription): help() lists the bindings"
        default:
            if let path = path(of: 1, in: call) {
                if let doc = doc(for: path) { return detail(doc) }
                return listing(under: path)
            }
            return "no help for this \(call.type(1).name): help() lists the bindings"
        }
    }

    /// The documented path whose value is the very value at `index` (compared with
    /// lua_rawequal, the values read raw from the globals): a function maps back to its doc.
    static func path(of index: Int32, in call: LuaCall) -> String? {
        let i = call.absolute(index)
        for path in all.map(\.path) + namespaces {
            let type = call.pushRawPath(path.split(separator: ".").map(String.init))
            defer { call.pop() }
            if type != .nil && lua_rawequal(call.L, i, -1) != 0 { return path }
        }
        return nil
    }
}
