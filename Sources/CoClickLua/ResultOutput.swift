import CLua
import CLuaSupport

/// How `eval`, `-e` and `api` print their results (`-o FORMAT`, SPEC "Output of eval, -e and api").
public enum OutputFormat: String, CaseIterable, Sendable {
    /// pp's rendering: aligned tables, nested tables indented (folded on a terminal only).
    case pretty
    /// One JSON value per result, one a line.
    case json
    /// An array as one JSON value per line (anything else as one line).
    case ndjson
    /// An array of tables as CSV, header row first, identifying columns first.
    case csv
    /// An array of tables as an aligned text table.
    case table
    /// Strings as they are, one per line (an array's items each on its line), as `jq -r`.
    case raw
}

/// The renderers live in the Lua prelude (one per format, shared with `pp`, `json.encode`,
/// `csv.encode` and `coclick.tabulate`); this is the host's door to them.
enum ResultOutput {
    static let outputKey = "coclick.output"
}

extension LuaState {
    /// Runs `code` and returns its results rendered in `format`. With `whole`, nothing is cut
    /// (standard output is not a terminal).
    public func evaluate(_ code: String, chunkName: String, output format: OutputFormat, whole: Bool) throws -> String {
        let base = lua_gettop(L)
        try load(code, chunkName: chunkName)
        return try callAndRender(base: base, arguments: 0, format: format, whole: whole)
    }

    /// Calls the function pushed above `base` (with its `arguments` above it), then renders
    /// what it returned in `format` (its first result only with `firstOnly`; nothing when that
    /// is nil). Leaves the stack at `base`.
    func callAndRender(
        base: Int32, arguments: Int32, format: OutputFormat, whole: Bool,
        firstOnly: Bool = false
    ) throws -> String {
        defer { lua_settop(L, base) }
        var count = try call(arguments: arguments, results: firstOnly ? 1 : LUA54_MULTRET)
        let s = stack
        if firstOnly && s.type(-1) == .nil { count = 0 }
        guard s.ensureStack(4) else { throw LuaError(kind: .memory, message: "not enough memory") }
        // output(format, whole, n, ...): the renderer below the results.
        lua_getfield(L, LUA54_REGISTRYINDEX, ResultOutput.outputKey)
        s.push(format.rawValue)
        s.push(whole)
        s.push(Int(count))
        lua_rotate(L, base + 1, 4)
        do {
            try call(arguments: count + 3, results: 1)
        } catch var error as LuaError {
            error.traceback = nil  // the renderer's own frames say nothing to the user
            throw error
        }
        guard let text = s.stringValue(-1) else {
            throw LuaError(kind: .runtime, message: "the \(format.rawValue) renderer returned no text")
        }
        return text
    }
}
