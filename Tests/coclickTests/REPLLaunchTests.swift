import Foundation
import Testing

/// `coclick` alone on a terminal starts the REPL, named after the profile or "sandbox".
@Suite struct REPLLaunchTests {
    @Test func bareCommandOnATerminalStartsTheREPL() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let terminal = try PseudoTerminal(["--sandbox"], environment: home.environment(["TERM": "dumb"]))
        try terminal.expect("sandbox> ")
        terminal.send("return 20 + 22\r")
        try terminal.expect("42")
        terminal.send("\u{4}")
        #expect(try terminal.waitForExit() == 0)
    }
}
