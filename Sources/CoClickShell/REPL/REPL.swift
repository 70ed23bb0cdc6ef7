import CoClickLua
import Foundation

/// What the REPL needs to know beyond the Lua state it drives.
public struct REPLSettings: Sendable {
    /// Named in the prompt: the profile, or "sandbox".
    public var promptName: String
    /// Where history is kept across sessions; nil keeps none.
    public var historyPath: String?
    /// Printed once at start (version, what to type first); empty for none.
    public var banner: String
    /// The process environment (TERM, LUA_INIT, ...).
    public var environment: [String: String]

    public init(promptName: String, historyPath: String?, banner: String, environment: [String: String]) {
        self.promptName = promptName
        self.historyPath = historyPath
        self.banner = banner
        self.environment = environment
    }
}

/// The interactive loop, with `lua.c`'s semantics: a line is first tried as `return <line>`,
/// `=expr` works, input whose syntax error ends at `<eof>` continues on a second prompt, and
/// several results print side by side.
///
/// This first version reads plain lines (the fallback for `TERM=dumb` and non-terminals).
public final class REPL {
    private let state: LuaState
    private let settings: REPLSettings

    public init(state: LuaState, settings: REPLSettings) {
        self.state = state
        self.settings = settings
    }

    /// Runs until end of input; returns the exit status (0).
    public func run() -> Int32 {
        if !settings.banner.isEmpty { writeError(settings.banner + "\n") }
        while let chunk = readChunk() {
            evaluate(chunk)
        }
        writeError("\n")
        return 0
    }

    private var prompt: String { "\(settings.promptName)> " }
    private var continuationPrompt: String { "\(settings.promptName)>> " }

    /// Reads lines until they form a complete chunk (or input ends).
    private func readChunk() -> String? {
        writeError(prompt)
        guard var buffer = readLine(strippingNewline: true) else { return nil }
        if buffer.hasPrefix("=") { buffer = "return " + buffer.dropFirst() }
        while isIncomplete(buffer) {
            writeError(continuationPrompt)
            guard let more = readLine(strippingNewline: true) else { break }
            buffer += "\n" + more
        }
        return buffer
    }

    private func isIncomplete(_ code: String) -> Bool {
        if state.compiles("return " + code) { return false }
        do {
            try state.load(code, chunkName: "=stdin")
            state.stack.pop()
            return false
        } catch let error as LuaError {
            return error.isIncompleteInput
        } catch {
            return false
        }
    }

    private func evaluate(_ code: String) {
        do {
            let expression = "return " + code
            let values = try state.evaluate(state.compiles(expression) ? expression : code, chunkName: "=stdin")
            if !values.isEmpty {
                print(values.map(\.rendered).joined(separator: "\t"))
            }
        } catch {
            writeError("\(error)\n")
        }
    }

    private func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

extension LuaState {
    /// Whether `code` compiles (the REPL tries `return <line>` first, as lua.c does).
    fileprivate func compiles(_ code: String) -> Bool {
        guard (try? load(code, chunkName: "=stdin")) != nil else { return false }
        stack.pop()
        return true
    }
}
