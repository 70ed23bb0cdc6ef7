import Glibc

/// The terminal on standard output, measured here alone: the REPL's screen (the pager, Tab's
/// listing, `watch`, `help()`), and the width the runner hands to the Lua state for `pp`.
package enum Terminal {
    /// The columns of the terminal on standard output, nil when it is not a terminal.
    package static func columns() -> Int? {
        guard let size = windowSize(), size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// The rows and columns of the terminal on standard output, nil when it is not a terminal.
    package static func size() -> (rows: Int, columns: Int)? {
        guard let size = windowSize(), size.ws_row > 0, size.ws_col > 0 else { return nil }
        return (Int(size.ws_row), Int(size.ws_col))
    }

    private static func windowSize() -> winsize? {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 else { return nil }
        return size
    }
}
