import CoClickLua
import Foundation
import Glibc

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
    /// Entries kept in the history file.
    public var historyLimit: Int = 1000
    /// Hides the run's known secret values (the key, tokens) in text: in printed results and
    /// errors; an entry it would change holds one, and is kept out of history.
    public var redact: @Sendable (String) -> String = { $0 }

    public init(promptName: String, historyPath: String?, banner: String, environment: [String: String]) {
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
public final class REPL {
    private let state: LuaState
    private let settings: REPLSettings
    private let session: LuaSession
    private let history: HistoryFile?
    private var lastEntry: String?

    public init(state: LuaState, settings: REPLSettings) {
        self.state = state
        self.settings = settings
        self.session = LuaSession(state: state)
        self.history = settings.historyPath.map {
            HistoryFile(path: $0, limit: settings.historyLimit, redact: settings.redact)
        }
    }

    /// Runs until Ctrl-D or the end of input; returns the exit status (0).
    public func run() -> Int32 {
        BindingDocs.installHelp(in: state)
        let reader = makeReader()
        if let history {
            let entries = history.load()
            entries.forEach(reader.remember)
            lastEntry = entries.last
        }
        if !settings.banner.isEmpty { output(settings.banner) }
        state.interruptOnSIGINT(true)
        defer { state.interruptOnSIGINT(false) }
        if let error = session.runInit(environment: settings.environment) { report(error) }

        while true {
            switch readEntry(reader) {
            case .end:
                output("")
                return 0
            case .cancelled:
                continue
            case .entry(let text, let chunk):
                remember(text, in: reader)
                evaluate(chunk)
            }
        }
    }

    private func makeReader() -> LineReader {
        let term = settings.environment["TERM"] ?? ""
        if isatty(0) != 0, term != "dumb", !term.isEmpty,
           let reader = EditLineReader(completer: Completer(state: state), historySize: settings.historyLimit) {
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
        guard (history ?? HistoryFile(path: "", redact: settings.redact)).keeps(text), text != lastEntry else { return }
        lastEntry = text
        reader.remember(text)
        history?.append(text)
    }

    private func evaluate(_ chunk: String) {
        switch session.run(chunk) {
        case .values(let rendered):
            if !rendered.isEmpty { output(settings.redact(LuaSession.display(rendered))) }
        case .failed(let error):
            report(error)
        }
    }

    private func report(_ error: LuaError) {
        flushOutput()
        FileHandle.standardError.write(Data((settings.redact(error.description) + "\n").utf8))
    }

    /// Results go to standard output through C's stdout, the stream Lua's print writes to.
    private func output(_ text: String) {
        print(text)
        flushOutput()
    }

    private func flushOutput() { fflush(nil) }
}
