import CEditLineShim
import Glibc

/// What reading one line at the prompt gave.
enum LineInput: Equatable {
    case line(String)
    /// Ctrl-C: the line was dropped; show a fresh prompt.
    case interrupted
    /// Ctrl-D on an empty line, or the end of input.
    case end
}

/// Reads lines at a prompt.
protocol LineReader: AnyObject {
    func read(prompt: String) -> LineInput
    /// Remembers a complete entry for Up/Down.
    func remember(_ entry: String)
}

/// Lines edited with libedit: emacs keys, history, Tab completion.
final class EditLineReader: LineReader {
    private let editor: OpaquePointer
    /// Kept alive for the C side, which holds it unretained as the completion context.
    private let completer: Completer

    /// nil when libedit cannot edit on this terminal.
    init?(completer: Completer, historySize: Int) {
        self.completer = completer
        let context = Unmanaged.passUnretained(completer).toOpaque()
        let complete: cedit_complete_fn = { context, before, insert, listing in
            guard let context, let before, let insert, let listing else { return }
            let completer = Unmanaged<Completer>.fromOpaque(context).takeUnretainedValue()
            let completion = completer.complete(before: String(cString: before))
            if !completion.insert.isEmpty {
                insert.pointee = strdup(completion.insert)
            } else if let text = completion.listing {
                listing.pointee = strdup(text)
            }
        }
        guard let editor = cedit_open("coclick", complete, context, Int32(clamping: historySize)) else { return nil }
        self.editor = editor
    }

    deinit { cedit_close(editor) }

    func read(prompt: String) -> LineInput {
        var line: UnsafeMutablePointer<CChar>?
        let status = cedit_read(editor, prompt, &line)
        return LineInput(status: status, line: line)
    }

    func remember(_ entry: String) {
        cedit_history_add(editor, entry)
    }
}

/// Plain lines (TERM=dumb): no editing, but Ctrl-C still drops the line instead of leaving.
final class PlainLineReader: LineReader {
    func read(prompt: String) -> LineInput {
        var line: UnsafeMutablePointer<CChar>?
        let status = cedit_plain_read(prompt, &line)
        return LineInput(status: status, line: line)
    }

    func remember(_ entry: String) {}
}

extension LineInput {
    /// Takes ownership of `line` (malloc'd by the shim).
    init(status: Int32, line: UnsafeMutablePointer<CChar>?) {
        defer { free(line) }
        switch Int(status) {
        case Int(CEDIT_LINE):
            self = .line(line.map { String(cString: $0) } ?? "")
        case Int(CEDIT_INTERRUPTED):
            self = .interrupted
        default:
            self = .end
        }
    }
}
