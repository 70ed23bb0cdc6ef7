import Foundation
import Testing

/// The built binary's REPL on a pseudo-terminal, typed at as a person would.
@Suite("REPL on a terminal", .serialized)
struct REPLTerminalTests {
    private func start(_ home: IsolatedHome, _ extra: [String: String] = [:]) throws -> PseudoTerminal {
        let terminal = try PseudoTerminal(["--sandbox"], environment: home.environment(extra))
        try terminal.expect("sandbox> ")
        return terminal
    }

    private func leave(_ terminal: PseudoTerminal) throws {
        try terminal.expect("sandbox> ")
        terminal.send("\u{4}")
        #expect(try terminal.waitForExit() == 0)
    }

    @Test func anExpressionPrintsItsValue() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let terminal = try start(home)
        terminal.send("1+1\r")
        try terminal.expect("\n2\r\n")
        try terminal.expect("sandbox> ")
        terminal.send("=7*6, 'x'\r")
        try terminal.expect("42\t\"x\"\r\n")
        try leave(terminal)
    }

    @Test func aLoopTypedOverThreeLinesRuns() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let terminal = try start(home)
        terminal.send("for i = 1, 3 do\r")
        try terminal.expect("sandbox>> ")
        terminal.send("io.write(i * 10, ' ')\r")
        try terminal.expect("sandbox>> ")
        terminal.send("end\r")
        try terminal.expect("10 20 30 ")
        try leave(terminal)
    }

    @Test func anErrorReturnsToThePrompt() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let terminal = try start(home)
        terminal.send("error('boom')\r")
        try terminal.expect("stdin:1: boom")
        try terminal.expect("sandbox> ")
        terminal.send("2+3\r")
        try terminal.expect("\n5\r\n")
        try leave(terminal)
    }

    @Test func tabCompletesTheBindings() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let terminal = try start(home)
        terminal.send("coclick.mee\t")
        try terminal.expect("tings")
        // What ran is the completed name: coclick.meetings is a table.
        terminal.send(" ~= nil\r")
        try terminal.expect("\ntrue\r\n")
        try leave(terminal)
    }

    @Test func historySurvivesARestartWithoutSecrets() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let first = try start(home)
        first.send("marker = 41\r")
        try first.expect("sandbox> ")
        first.send("api_SECRET = 'hunter2'\r")
        try leave(first)

        let file = home.stateHome.appendingPathComponent("coclick/history")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("marker = 41"))
        #expect(!text.lowercased().contains("secret"))
        #expect(!text.contains("hunter2"))
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let second = try start(home)
        second.send("\u{10}\r")  // Ctrl-P: the previous entry, from the file
        try second.expect("marker = 41")
        try second.expect("sandbox> ")
        second.send("=marker + 1\r")
        try second.expect("\n42\r\n")
        try leave(second)
    }

    @Test func ctrlCInterruptsALoopAndThePromptStays() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let terminal = try start(home)
        terminal.send("while true do end\r")
        Thread.sleep(forTimeInterval: 0.7)
        terminal.send("\u{3}")
        try terminal.expect("interrupted!")
        try terminal.expect("sandbox> ")
        // At the prompt, Ctrl-C drops the line and does not leave.
        terminal.send("half a line\u{3}")
        try terminal.expect("sandbox> ")
        terminal.send("=6*7\r")
        try terminal.expect("\n42\r\n")
        try leave(terminal)
    }

    @Test func aPageOfMeetingsPrintsAsAnAlignedTable() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let terminal = try start(home)
        terminal.send("coclick.meetings.list{}\r")
        let seen = try terminal.expect("{count = ")
        let lines = seen.replacingOccurrences(of: "\r", with: "").split(separator: "\n").map(String.init)
        let headerIndex = try #require(lines.firstIndex { $0.hasPrefix("id ") && $0.contains("status") })
        let header = lines[headerIndex]
        let statusColumn = try #require(header.range(of: "status")).lowerBound.utf16Offset(in: header)
        let userColumn = try #require(header.range(of: "user")).lowerBound.utf16Offset(in: header)
        #expect(lines[headerIndex + 1].hasPrefix("---"))
        let rows = lines[(headerIndex + 2)...].prefix { !$0.hasPrefix("{count") }
        #expect(rows.count == 20)
        for row in rows {
            let utf16 = Array(row.utf16)
            let status = String(decoding: utf16[statusColumn...].prefix { $0 != 32 }, as: UTF16.self)
            #expect(["scheduled", "in_progress", "closed", "cancelled"].contains(status), "row: \(row)")
            #expect(String(decoding: utf16[userColumn...].prefix { $0 != 32 }, as: UTF16.self).contains("@"))
        }
        try leave(terminal)
    }

    @Test func ctrlDOnAnEmptyLineExitsZero() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let terminal = try start(home)
        terminal.send("\u{4}")
        #expect(try terminal.waitForExit() == 0)
    }

    @Test func ctrlDTypedAheadWhileCodeRunsStillLeaves() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let terminal = try start(home)
        terminal.send("for i = 1, 3e7 do end\r\u{4}")
        #expect(try terminal.waitForExit() == 0)
    }

    @Test func dumbTerminalReadsPlainLines() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let terminal = try start(home, ["TERM": "dumb"])
        terminal.send("1+1\r")
        try terminal.expect("2\r\n")
        terminal.send("\u{4}")
        #expect(try terminal.waitForExit() == 0)
    }
}
