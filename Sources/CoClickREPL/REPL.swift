import CoClickLua
import CoClickPOSIX
import Foundation
import Glibc

/// What the REPL needs to know beyond the Lua state it drives.
package struct REPLSettings: Sendable {
    /// Named in the prompt: the profile, or "sandbox".
    package var promptName: String
    /// Where history is kept across sessions; nil keeps none.
    package var historyPath: String?
    /// Printed once at start (version, what to type first); empty for none.
    package var banner: String
    /// The process environment (TERM, LUA_INIT, ...).
    package var environment: [String: String]
    /// Entries kept in the history file.
    package var historyLimit: Int = 1000
    /// Hides the run's known secret values (the key, tokens) in text: in printed results and
    /// errors; an entry it would change holds one, and is kept out of history.
    package var redact: @Sendable (String) -> String = { $0 }

    package init(promptName: String, historyPath: String?, banner: String, environment: [String: String]) {
        self.promptName = promptName
        self.historyPath = historyPath
        self.banner = banner
        self.environment = environment
    }
}

/// The interactive loop, with `lua.c`'s semantics (see `LuaSession`), line editing by libedit
/// (history, Tab completion) and Ctrl-C handling: at the prompt it drops the line, while code
/// runs it interrupts it (the state's SIGINT hook, as lua.c's `lstop`). `TERM=dumb` or an
/// input that is not a terminal reads plain lines.
package final class REPL {
    private let state: LuaState
    private let settings: REPLSettings
    private let session: LuaSession
    private let history: HistoryFile?
    private var lastEntry: String?
    private let pager: Pager
    /// What `edit()` opens: the last entry kept, other than a call of `edit()` itself.
    private var editable: String?
    /// Set by `edit()`; the REPL opens the editor once the entry that called it has finished.
    private var editRequested = false

    package init(state: LuaState, settings: REPLSettings) {
        self.state = state
        self.settings = settings
        self.session = LuaSession(state: state)
        self.history = settings.historyPath.map {
            HistoryFile(path: $0, limit: settings.historyLimit, redact: settings.redact)
        }
        self.pager = Pager(environment: settings.environment)
    }

    /// How results are rendered: whole (the pager shows what is longer than the screen; a
    /// bound stays against a runaway result), at `width` or the terminal's.
    static func renderOptions(width: Int? = nil) -> RenderOptions {
        RenderOptions(items: 100_000, lines: 1_000_000, width: width)
    }

    /// Runs until Ctrl-D or the end of input (the run then ends with status 0).
    package func run() {
        BindingDocs.installHelp(in: state, width: Terminal.columns)
        Watch(state: state).install()
        state.register("edit") { [weak self] _ in
            self?.editRequested = true
            return .none
        }
        let reader = makeReader()
        if let history {
            let entries = history.load()
            entries.forEach(reader.remember)
            lastEntry = entries.last
            editable = entries.last { !Self.callsEdit($0) }
        }
        if !settings.banner.isEmpty { output(settings.banner) }
        state.interruptOnSIGINT(true)
        defer { state.interruptOnSIGINT(false) }
        if let error = session.runInit(environment: settings.environment) { report(error) }

        while true {
            switch readEntry(reader) {
            case .end:
                output("")
                return
            case .cancelled:
                continue
            case .entry(let text, let chunk):
                remember(text, in: reader)
                editRequested = false
                evaluate(chunk)
                if !editRequested, keeps(text) { editable = text }
                while editRequested {
                    editRequested = false
                    editLastEntry(reader)
                }
            }
        }
    }

    /// An entry that is a call of `edit()`: not what a later `edit()` opens.
    static func callsEdit(_ entry: String) -> Bool {
        let words = entry.filter { !$0.isWhitespace }
        return words.hasPrefix("edit(") || words.hasPrefix("=edit(")
    }

    /// `edit()`: the editor on the last entry; what is saved is shown as if typed, joins the
    /// history as one entry, and runs.
    private func editLastEntry(_ reader: LineReader) {
        switch EntryEditor(environment: settings.environment).edit(editable ?? "") {
        case .failed(let message):
            reportText(message)
        case .empty:
            reportText("edit: nothing saved, nothing run")
        case .saved(let text):
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let echo = lines.enumerated().map { ($0.offset == 0 ? prompt(continuation: false) : prompt(continuation: true)) + $0.element }
            output(settings.redact(echo.joined(separator: "\n")))
            remember(text, in: reader)
            if keeps(text) { editable = text }
            evaluate(session.firstChunk(text))
        }
    }

    private func makeReader() -> LineReader {
        let term = settings.environment["TERM"] ?? ""
        // libedit edits on a terminal it also writes to; with standard output redirected
        // (`coclick | tee log`) plain lines, as Python's REPL does.
        if isatty(0) != 0, isatty(1) != 0, term != "dumb", !term.isEmpty,
            let reader = EditLineReader(completer: Completer(state: state), historySize: settings.historyLimit)
        {
            return reader
        }
        return PlainLineReader()
    }

    private enum Entry {
        /// `text` as typed (kept in history), `chunk` what runs.
        case entry(text: String, chunk: String)
        case cancelled
        case end
    }

    /// Reads a first line and, while the chunk is incomplete, more lines.
    private func readEntry(_ reader: LineReader) -> Entry {
        flushOutput()
        let first: String
        switch reader.read(prompt: prompt(continuation: false)) {
        case .end: return .end
        case .interrupted: return .cancelled
        case .line(let line): first = line
        }
        var text = first
        var chunk = session.firstChunk(first)
        while session.isIncomplete(chunk) {
            switch reader.read(prompt: prompt(continuation: true)) {
            case .interrupted:
                return .cancelled
            case .end:
                // Ctrl-D inside an unfinished chunk: say why it cannot run, back to the prompt.
                return .entry(text: text, chunk: chunk)
            case .line(let line):
                text += "\n" + line
                chunk += "\n" + line
            }
        }
        return .entry(text: text, chunk: chunk)
    }

    private func prompt(continuation: Bool) -> String {
        if let custom = session.promptOverride(continuation ? "_PROMPT2" : "_PROMPT") { return custom }
        return settings.promptName + (continuation ? ">> " : "> ")
    }

    /// Keeps an entry for Up/Down and in the history file: not blank, no secret, not the same
    /// as the one before.
    private func remember(_ text: String, in reader: LineReader) {
        guard keeps(text), text != lastEntry else { return }
        lastEntry = text
        reader.remember(text)
        history?.append(text)
    }

    /// Whether an entry may be kept (history's rules: no secret, not blank, not too long).
    private func keeps(_ text: String) -> Bool {
        (history ?? HistoryFile(path: "", redact: settings.redact)).keeps(text)
    }

    private func evaluate(_ chunk: String) {
        switch session.run(chunk, options: Self.renderOptions()) {
        case .values(let rendered):
            guard !rendered.isEmpty else { return }
            let text = settings.redact(LuaSession.display(rendered))
            if !pager.show(text) { output(text) }
        case .failed(let error):
            report(error)
        }
    }

    private func report(_ error: LuaError) {
        reportText(error.description)
    }

    private func reportText(_ text: String) {
        flushOutput()
        FileDescriptorOutput.writeAll(settings.redact(text) + "\n", to: STDERR_FILENO)
    }

    /// Results go to standard output through C's stdout, the stream Lua's print writes to.
    private func output(_ text: String) {
        print(text)
        flushOutput()
    }

    private func flushOutput() { fflush(nil) }
}
