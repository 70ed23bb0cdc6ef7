import CoClickLua
import Foundation
import Glibc

/// `watch(f [, seconds])` in the REPL: calls `f` and reprints its result in place every
/// `seconds` (default 2) until Ctrl-C, as watch(1) does; lines that changed since the last call
/// are marked `* `; an error raised by `f` is shown in place of the result and watching goes on.
/// The wait between calls ends at once on Ctrl-C (SIGINT interrupts the sleep, and the state's
/// interrupt request is checked at least every 100 ms).
final class Watch {
    static let defaultSeconds = 2.0
    /// Marks a line that differs from the same line of the call before.
    static let changedMark = "* "
    static let unchangedMark = "  "

    private unowned let state: LuaState

    init(state: LuaState) {
        self.state = state
    }

    /// What a frame renders: no more rows than the screen shows, in its width less the marks;
    /// everything, as the REPL prints results, when standard output is not a terminal.
    static func renderOptions(screen: (rows: Int, columns: Int)?) -> RenderOptions {
        guard let screen else { return REPL.renderOptions() }
        return RenderOptions(items: screen.rows, lines: screen.rows, width: screen.columns - changedMark.count)
    }

    /// Registers the global `watch` (the state keeps this object alive through it).
    func install() {
        state.register("watch") { call in
            let function = try call.function(1)
            let seconds = try call.optionalNumber(2) ?? Self.defaultSeconds
            guard seconds > 0, seconds.isFinite else {
                throw LuaArgumentError(argument: 2, message: "seconds must be a positive number")
            }
            self.loop(function: function, seconds: seconds)
            return .none
        }
    }

    /// Calls the function at stack index `function` until Ctrl-C.
    private func loop(function: Int32, seconds: Double) {
        let terminal = Terminal.size() != nil
        var previous: [String]?
        var drawn = 0
        while true {
            let screen = Terminal.size()
            let content: [String]
            switch call(function, options: Self.renderOptions(screen: screen)) {
            case .interrupted:
                output("\n")
                return
            case .shown(let text):
                content = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            }
            let marked = content.enumerated().map { index, line in
                let changed = previous.map { index >= $0.count || $0[index] != line } ?? false
                return (changed ? Self.changedMark : Self.unchangedMark) + line
            }
            previous = content
            var lines = [header(seconds: seconds)] + marked
            if let screen {
                lines = Self.fit(lines, rows: screen.rows - 1, columns: screen.columns)
            }
            // In place: back to the first line of the last frame and clear below it.
            let home = terminal && drawn > 0 ? "\r\u{1B}[\(drawn)A\u{1B}[J" : ""
            output(home + lines.joined(separator: "\n") + "\n")
            drawn = lines.count
            if !pause(seconds) {
                output("\n")
                return
            }
        }
    }

    private enum Frame {
        case shown(String)
        case interrupted
    }

    /// One call of the function: its results as the REPL renders them, or its error's message.
    private func call(_ function: Int32, options: RenderOptions) -> Frame {
        do {
            let rendered = try state.call(functionAt: function, rendering: options)
            return .shown(rendered.isEmpty ? "(no value)" : LuaSession.display(rendered))
        } catch let error as LuaError {
            if error.kind == .interrupted { return .interrupted }
            return .shown("error: " + error.message)
        } catch {
            return .shown("error: \(error)")
        }
    }

    private func header(seconds: Double) -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        let every = seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
        return String(format: "every %@s (Ctrl-C stops)  %02d:%02d:%02d", every, parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    /// The lines cut to the screen: each to `columns` characters, at most `rows` of them.
    static func fit(_ lines: [String], rows: Int, columns: Int) -> [String] {
        var shown = lines.map { $0.count > columns ? String($0.prefix(max(1, columns - 1))) + "…" : $0 }
        if shown.count > rows, rows >= 2 {
            let left = shown.count - (rows - 1)
            shown = Array(shown.prefix(rows - 1)) + ["  ... (\(left) more lines)"]
        }
        return shown
    }

    /// Waits `seconds`; false when Ctrl-C came first (the interrupt request is taken).
    private func pause(_ seconds: Double) -> Bool {
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(Int64(seconds * 1000)))
        while true {
            if state.takeInterrupt() { return false }
            let left = deadline - .now
            if left <= .zero { return true }
            let slice = min(left, .milliseconds(100))
            let (whole, fraction) = slice.components
            var request = timespec(tv_sec: Int(whole), tv_nsec: Int(fraction / 1_000_000_000))
            nanosleep(&request, nil)  // SIGINT ends it early (the handler has no SA_RESTART)
        }
    }

    private func output(_ text: String) {
        print(text, terminator: "")  // C's stdout, where Lua's print in `f` writes too
        fflush(nil)
    }
}
