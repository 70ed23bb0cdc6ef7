import CoClickLua
import Glibc

/// `lua.c`'s way with typed input: a first line is tried as `return <line>` (and `=expr` is
/// `return expr`); input whose syntax error ends at `<eof>` waits for more lines; a chunk's
/// results are rendered by `pp`, side by side.
package struct LuaSession {
    package let state: LuaState

    package init(state: LuaState) {
        self.state = state
    }
    static let chunkName = "=stdin"

    /// What the first line of an entry compiles as: `return <line>` when that compiles.
    package func firstChunk(_ line: String) -> String {
        let line = line.hasPrefix("=") ? "return " + line.dropFirst() : line
        let expression = "return " + line
        return compiles(expression) ? expression : line
    }

    /// True when `code` fails to compile only because it ends too soon.
    func isIncomplete(_ code: String) -> Bool {
        do {
            try state.compile(code, chunkName: Self.chunkName)
            return false
        } catch let error as LuaError {
            return error.isIncompleteInput
        } catch {
            return false
        }
    }

    func compiles(_ code: String) -> Bool {
        (try? state.compile(code, chunkName: Self.chunkName)) != nil
    }

    enum Outcome {
        /// The rendered results (none for a statement).
        case values([String])
        case failed(LuaError)
    }

    /// Runs a chunk and renders its results with `options`; the first result becomes `_` (set
    /// raw in the globals, as IPython's `_`). A Ctrl-C typed before it started (while results
    /// printed, say) is forgotten.
    func run(_ code: String, options: RenderOptions? = nil) -> Outcome {
        state.takeInterrupt()
        do {
            return .values(
                try state.evaluate(
                    code, chunkName: Self.chunkName, rendering: options,
                    keepingFirstAs: Self.lastResultName))
        } catch let error as LuaError {
            return .failed(error)
        } catch {
            return .failed(LuaError(kind: .runtime, message: "\(error)"))
        }
    }

    /// The global holding the first value of the last printed result.
    static let lastResultName = "_"

    /// The results as printed: side by side (tab separated) as lua.c prints them, one under
    /// the other when one spans several lines (a table would be unreadable beside another).
    static func display(_ rendered: [String]) -> String {
        let multiline = rendered.contains { $0.contains("\n") }
        return rendered.joined(separator: multiline ? "\n" : "\t")
    }

    /// `_PROMPT` / `_PROMPT2` when set to a string or number (read raw: no metamethod runs).
    func promptOverride(_ name: String) -> String? {
        state.rawString(at: [name])
    }

    /// `LUA_INIT_5_4` or else `LUA_INIT`, as lua.c: `@file` runs the file, anything else runs
    /// as a chunk named after the variable. Returns the error, if any.
    func runInit(environment: [String: String]) -> LuaError? {
        let name = environment["LUA_INIT_5_4"] != nil ? "LUA_INIT_5_4" : "LUA_INIT"
        guard let value = environment[name], !value.isEmpty else { return nil }
        do {
            if value.hasPrefix("@") {
                try state.load(file: String(value.dropFirst()))
                try state.call(results: 0)
            } else {
                _ = try state.evaluate(value, chunkName: "=" + name)
            }
            return nil
        } catch let error as LuaError {
            return error
        } catch {
            return LuaError(kind: .runtime, message: "\(error)")
        }
    }
}
