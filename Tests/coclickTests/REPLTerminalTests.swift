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
        let status = try terminal.waitForExit()
        #expect(status == 0, "exit status \(status); the screen:\n\(terminal.output)")
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
        // The loop announces itself (the echoed line does not hold the joined word), and Ctrl-C
        // comes once it runs.
        terminal.send("io.write('loop', 'ing\\n') io.flush() while true do end\r")
        try terminal.expect("looping\r\n")
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
        let status = try terminal.waitForExit()
        #expect(status == 0, "exit status \(status); the screen:\n\(terminal.output)")
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
        let status = try terminal.waitForExit()
        #expect(status == 0, "exit status \(status); the screen:\n\(terminal.output)")
    }

    // MARK: Beyond lua (SPEC, "The REPL")

    /// An executable shell script in `home`, for `PAGER` or `EDITOR`.
    private func script(_ home: IsolatedHome, _ name: String, _ body: String) throws -> URL {
        let url = home.root.appendingPathComponent(name)
        try ("#!/bin/sh\n" + body).write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: url.path)
        return url
    }

    /// 3000 rows of 60-character ids: longer than the screen, and than a pipe's buffer.
    private let longTable = "t = {} for i = 1, 3000 do t[i] = {id = ('%060d'):format(i)} end\r"

    @Test func underscoreHoldsTheFirstValueOfTheLastPrintedResult() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let terminal = try start(home)
        terminal.send("=40 + 2, 'x'\r")
        try terminal.expect("42\t\"x\"\r\n")
        terminal.send("_ + 1\r")
        try terminal.expect("\n43\r\n")
        terminal.send("y = 5\r")  // prints nothing: _ stays
        try terminal.expect("sandbox> ")
        terminal.send("=_ * 2\r")
        try terminal.expect("\n86\r\n")
        try leave(terminal)
    }

    @Test func idsAreWholeInTablesAndAMeetingPrintsAsARecord() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let terminal = try start(home)
        terminal.send("coclick.meetings.list{per=3}\r")
        let table = try terminal.expect("{count = 3")
        let rows = table.replacingOccurrences(of: "\r", with: "").split(separator: "\n")
            .filter { $0.range(of: "^[0-9a-f]{64}  ", options: .regularExpression) != nil }
        #expect(rows.count == 3, "\(table)")
        try terminal.expect("sandbox> ")

        terminal.send("coclick.meetings.get(_[2].id)\r")
        let record = try terminal.expect("sandbox> ").replacingOccurrences(of: "\r", with: "")
        let id = try #require(rows.dropFirst().first.map { String($0.prefix(64)) })
        #expect(record.contains("\nid                       \(id)\n"), "\(record)")
        #expect(record.contains("\ntoken                    \(id)\n"))
        #expect(record.range(of: "\nstatus +(scheduled|in_progress|closed|cancelled)\n", options: .regularExpression) != nil)
        // A nested table: below its field, indented.
        #expect(record.range(of: "\ncustom_data\n  [a-z_]+ +\\S+", options: .regularExpression) != nil, "\(record)")

        // Full meetings are too wide for 120 columns: each row as a record.
        terminal.send("coclick.meetings.all{limit=2, full=true}\r")
        let records = try terminal.expect("sandbox> ")
        #expect(records.contains("-[ 1 ]---"))
        #expect(records.contains("-[ 2 ]---"))
        #expect(records.contains("prospect_room_url"))
        terminal.send("\u{4}")
        let status = try terminal.waitForExit()
        #expect(status == 0, "exit status \(status); the screen:\n\(terminal.output)")
    }

    @Test func aLongResultGoesWholeThroughThePager() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let paged = home.root.appendingPathComponent("paged.txt")
        let pager = try script(
            home, "pager",
            """
            echo PAGER-START
            cat > '\(paged.path)'
            echo PAGER-END
            """)
        let terminal = try start(home, ["PAGER": pager.path])
        terminal.send(longTable)
        try terminal.expect("sandbox> ")
        terminal.send("t\r")
        try terminal.expect("PAGER-START")
        try terminal.expect("PAGER-END")
        try terminal.expect("sandbox> ")
        let text = try String(contentsOf: paged, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 3002)  // header, rule, every row: nothing cut
        #expect(lines.last.map(String.init) == String(format: "%060d", 3000))
        // A short result is printed, not paged.
        terminal.send("=6*7\r")
        let short = try terminal.expect("\n42\r\n")
        #expect(!short.contains("PAGER-START"))
        try leave(terminal)
    }

    @Test func theREPLGoesOnWhenThePagerIsQuitEarly() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        // Reads three lines of more than 180 KB and leaves: the rest meets a closed pipe.
        let pager = try script(home, "pager", "echo PAGER-START; head -n 3; echo PAGER-END\n")
        let terminal = try start(home, ["PAGER": pager.path])
        terminal.send(longTable)
        try terminal.expect("sandbox> ")
        terminal.send("t\r")
        try terminal.expect("PAGER-START")
        try terminal.expect(String(format: "%060d", 1))
        try terminal.expect("PAGER-END")
        try terminal.expect("sandbox> ")
        terminal.send("=6*7\r")
        try terminal.expect("\n42\r\n")
        try leave(terminal)
    }

    @Test func aPagerThatCannotRunLeavesTheResultPrinted() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let terminal = try start(home, ["PAGER": home.root.appendingPathComponent("no-such-pager").path])
        terminal.send(longTable)
        try terminal.expect("sandbox> ")
        terminal.send("t\r")
        try terminal.expect(String(format: "%060d", 3000) + "\r\n")
        try leave(terminal)
    }

    @Test func noPagerWhenStandardOutputIsNotATerminal() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let marker = home.root.appendingPathComponent("pager-ran")
        let pager = try script(home, "pager", "touch '\(marker.path)'; cat\n")
        let outputFile = home.root.appendingPathComponent("stdout.txt")
        FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputFile)
        defer { try? output.close() }
        // Standard error stays on the terminal: the markers written there pace the test.
        let terminal = try PseudoTerminal(
            ["--sandbox"], environment: home.environment(["PAGER": pager.path]),
            standardOutput: output)
        terminal.send(longTable.dropLast() + " io.stderr:write('BUILT', '\\n')\r")
        try terminal.expect("BUILT\r\n")
        terminal.send("t\r")
        terminal.send("io.stderr:write('SHOWN', '\\n')\r")
        try terminal.expect("SHOWN\r\n")
        terminal.send("\u{4}")
        #expect(try terminal.waitForExit() == 0)
        let text = try String(contentsOf: outputFile, encoding: .utf8)
        #expect(text.contains(String(format: "%060d", 3000)))
        #expect(text.contains(String(format: "%060d", 1500)))
        #expect(!FileManager.default.fileExists(atPath: marker.path))
    }

    @Test func tabCompletesAfterASubscript() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let terminal = try start(home)
        terminal.send("page = coclick.meetings.list{per=2}\r")
        try terminal.expect("sandbox> ")
        terminal.send("page[1].us\t")
        try terminal.expect("er")
        terminal.send("\r")
        try terminal.expect("@acme-demo.example\"\r\n")
        try terminal.expect("sandbox> ")
        terminal.send("box = {['the key'] = {answer = 42}}\r")
        try terminal.expect("sandbox> ")
        terminal.send("box['the key'].ans\t")
        try terminal.expect("wer")
        terminal.send("\r")
        try terminal.expect("\n42\r\n")
        try leave(terminal)
    }

    @Test func ctrlCCancelsAReverseSearchAndKeepsTheREPL() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let terminal = try start(home)
        terminal.send("marker = 41\r")
        try terminal.expect("sandbox> ")
        terminal.send("\u{12}")  // Ctrl-R: libedit's incremental search
        try terminal.expect("bck:")
        // The first letter shows the match (whose "marker" holds every later letter): Ctrl-C is
        // sent only once the last one was read, not while libedit still has some to read.
        terminal.send("m")
        try terminal.expect("marker = 41")
        terminal.send("ark")
        try terminal.expect("k")
        terminal.send("\u{3}")
        try terminal.expect("^C")
        try terminal.expect("sandbox> ")
        terminal.send("=marker + 1\r")
        try terminal.expect("\n42\r\n")
        try leave(terminal)
    }

    @Test func editRunsWhatIsSavedAndKeepsItAsOneEntry() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let log = home.root.appendingPathComponent("editor.log")
        let editor = try script(
            home, "editor",
            """
            { echo "path=$1"; stat -c 'mode=%a' "$1"; echo "before:"; cat "$1"; echo "end"; } > '\(log.path)'
            printf 'edited = 6 * 7\\nreturn edited, "from the editor"\\n' > "$1"
            """)
        let terminal = try start(home, ["EDITOR": editor.path, "TMPDIR": home.root.path])
        terminal.send("1 + 2\r")
        try terminal.expect("\n3\r\n")
        try terminal.expect("sandbox> ")
        terminal.send("edit()\r")
        // What was saved is shown as typed, then runs.
        try terminal.expect("sandbox> edited = 6 * 7\r\nsandbox>> return edited, \"from the editor\"")
        try terminal.expect("42\t\"from the editor\"\r\n")
        try leave(terminal)

        let record = try String(contentsOf: log, encoding: .utf8)
        #expect(record.contains("mode=600\n"))
        #expect(record.contains("before:\n1 + 2\nend"))
        let path = try #require(record.split(separator: "\n").first.map { String($0.dropFirst("path=".count)) })
        #expect(path.hasPrefix(home.root.path))
        #expect(!FileManager.default.fileExists(atPath: path))
        let history = try String(contentsOf: home.stateHome.appendingPathComponent("coclick/history"), encoding: .utf8)
        #expect(history.contains("\nedited = 6 * 7\\nreturn edited, \"from the editor\"\n"))
    }

    @Test func editRunsNothingWhenTheEditorFailsOrSavesNothing() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let failing = try script(home, "failing-editor", "printf 'ran = true\\n' > \"$1\"; exit 3\n")
        let terminal = try start(home, ["VISUAL": failing.path, "EDITOR": "/bin/false", "TMPDIR": home.root.path])
        terminal.send("ran = false\r")
        try terminal.expect("sandbox> ")
        terminal.send("edit()\r")
        try terminal.expect("exited with status 3; nothing was run")
        try terminal.expect("sandbox> ")
        terminal.send("=ran\r")
        try terminal.expect("\nfalse\r\n")
        try leave(terminal)

        let emptying = try script(home, "emptying-editor", ": > \"$1\"\n")
        let second = try start(home, ["EDITOR": emptying.path, "TMPDIR": home.root.path])
        second.send("edit()\r")
        try second.expect("edit: nothing saved, nothing run")
        try leave(second)
        let left = try FileManager.default.contentsOfDirectory(atPath: home.root.path).filter { $0.hasPrefix("coclick-edit-") }
        #expect(left.isEmpty)
    }

    @Test func watchReprintsMarksChangesAndGoesOnAfterAnError() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let terminal = try start(home)
        terminal.send("n = 0\r")
        try terminal.expect("sandbox> ")
        terminal.send(
            "watch(function() n = n + 1; if n == 2 then error('bo' .. 'om ' .. n) end; "
                + "return {{id = 'fixed', v = 1}, {id = 'moving', v = n}} end, 0.05)\r")
        try terminal.expect("every 0.05s")
        try terminal.expect("  fixed   1\r\n  moving  1\r\n")
        try terminal.expect("* error: stdin:1: boom 2\r\n")
        // In place: the cursor goes back up over the last frame.
        try terminal.expect("\u{1B}[2A\u{1B}[J")
        try terminal.expect("* moving  3\r\n")
        // An unchanged row is not marked, a changed one is.
        try terminal.expect("  fixed   1\r\n* moving  4\r\n")
        terminal.send("\u{3}")
        try terminal.expect("sandbox> ")
        terminal.send("=n >= 4\r")
        try terminal.expect("\ntrue\r\n")
        try leave(terminal)
    }

    @Test func ctrlCEndsTheWaitOfWatch() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let terminal = try start(home)
        terminal.send("watch(function() return 'ti' .. 'ck' end, 3600)\r")
        try terminal.expect("every 3600s")
        try terminal.expect("\"tick\"\r\n")
        terminal.send("\u{3}")
        try terminal.expect("sandbox> ")
        terminal.send("=6*7\r")
        try terminal.expect("\n42\r\n")
        try leave(terminal)
    }

    @Test func theBannerAndHelpShowWhatTheREPLAdds() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let terminal = try PseudoTerminal(["--sandbox"], environment: home.environment())
        let banner = try terminal.expect("sandbox> ")
        #expect(banner.contains("_ is the last result"))
        #expect(banner.contains("edit()"))
        #expect(banner.contains("watch(f)"))
        terminal.send("help()\r")
        let help = try terminal.expect("sandbox> ")
        #expect(help.contains("watch(f [, seconds])"))
        #expect(help.contains("edit()"))
        #expect(help.contains("$PAGER"))
        terminal.send("\u{4}")
        let status = try terminal.waitForExit()
        #expect(status == 0, "exit status \(status); the screen:\n\(terminal.output)")
    }
}
