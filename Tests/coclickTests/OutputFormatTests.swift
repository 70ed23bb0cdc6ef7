import CoClickSandbox
import CoClickSandboxTesting
import Foundation
import Testing

/// `-o FORMAT` of eval and -e (SPEC "Output of eval, -e and api"), through the built binary
/// against a sandbox of 500 meetings, checked against what the sandbox holds over raw HTTP.
@Suite struct OutputFormatTests {
    /// A sandbox of 500 meetings, its summaries read over raw HTTP, and an environment for it.
    struct Fixture {
        let home: IsolatedHome
        let server: SandboxServer
        let summaries: [[String: Any]]
        var environment: [String: String] { Examples.environment(home, server) }
        var ids: [String] { summaries.compactMap { $0["id"] as? String } }

        static func start() async throws -> Fixture {
            let home = try IsolatedHome()
            let server = try await TestSandbox.start(meetings: 500)
            let summaries = try await RawSandbox(server).summaries()
            #expect(summaries.count == 500)
            return Fixture(home: home, server: server, summaries: summaries)
        }

        func stop() async {
            await server.stop()
            home.remove()
        }

        func run(_ arguments: [String]) async throws -> BinaryRun {
            try await BinaryRun.coclickOffPool(arguments, environment: environment)
        }
    }

    static let all = "return coclick.meetings.all{per = 100}"

    @Test func evalTriesReturnFirst() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let sum = try BinaryRun.coclick(["eval", "1+1"], environment: home.environment())
        #expect(sum.status == 0 && sum.stdout == "2\n", "\(sum.summary)")
        let statement = try BinaryRun.coclick(["-e", "x = 40; print(x + 2)"], environment: home.environment())
        #expect(statement.status == 0 && statement.stdout == "42\n", "\(statement.summary)")
        let several = try BinaryRun.coclick(["-o", "json", "-e", "'a', {b = 1}"], environment: home.environment())
        #expect(several.status == 0 && several.stdout == "\"a\"\n{\"b\":1}\n", "\(several.summary)")
    }

    @Test func jsonAndNDJSONParseWithEveryMeeting() async throws {
        let fixture = try await Fixture.start()
        let json = try await fixture.run(["-o", "json", "eval", Self.all])
        let ndjson = try await fixture.run(["eval", "-o", "ndjson", Self.all])
        await fixture.stop()

        #expect(json.status == 0, "\(json.summary)")
        let array = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(array.compactMap { $0["id"] as? String } == fixture.ids)
        #expect(json.stdout.split(separator: "\n").count == 1, "one JSON value, one line")

        #expect(ndjson.status == 0, "\(ndjson.summary)")
        let lines = ndjson.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 501 && lines.last == "", "500 lines, each ended: \(lines.count)")
        let objects = try lines.dropLast().map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(objects.compactMap { $0["id"] as? String } == fixture.ids)
        #expect(objects.compactMap { $0["user"] as? String } == fixture.summaries.compactMap { $0["user"] as? String })
    }

    @Test func csvRoundTripsThroughCSVDecode() async throws {
        let fixture = try await Fixture.start()
        defer { fixture.home.remove() }
        let csv = try await fixture.run(["eval", Self.all, "--output", "csv"])
        await fixture.server.stop()
        #expect(csv.status == 0, "\(csv.summary)")
        #expect(csv.stdout.hasPrefix("id,user,status,starts_at\r\n"), "identifying columns first: \(csv.stdout.prefix(80))")
        #expect(CSVText.rows(csv.stdout).count == 501, "a header row and 500 rows")
        let path = try fixture.home.script("meetings.csv", csv.stdout)

        // Read back by csv.decode, printed as JSON by the same binary.
        let decoded = try BinaryRun.coclick(
            ["-o", "json", "eval", "csv.decode(io.open(\(path.debugDescription)):read('a'))"],
            environment: fixture.home.environment())
        #expect(decoded.status == 0, "\(decoded.summary)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(decoded.stdout.utf8)) as? [[String: String]])
        #expect(rows.count == 500)
        for (row, summary) in zip(rows, fixture.summaries) {
            for field in ["id", "user", "status", "starts_at"] {
                #expect(row[field] == summary[field] as? String, "\(field) of \(summary["id"] ?? "?")")
            }
        }
    }

    @Test func csvWritesNestedValuesAsJSONText() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let run = try BinaryRun.coclick(
            ["-o", "csv", "eval", "{{id = 'a', custom_data = {n = 1}, zeta = true, alpha = 'x,y'}}"],
            environment: home.environment())
        #expect(run.status == 0, "\(run.summary)")
        #expect(run.stdout == "id,alpha,custom_data,zeta\r\na,\"x,y\",\"{\"\"n\"\":1}\",true\r\n", "\(run.summary)")

        // One CSV text holds one table: a second result (list's page info) is left out, and said so.
        let two = try BinaryRun.coclick(["-o", "csv", "eval", "{{id = 'a'}}, {page = 1}"], environment: home.environment())
        #expect(two.status == 0 && two.stdout == "id\r\na\r\n", "\(two.summary)")
        #expect(two.stderr.contains("-o csv prints the first result only; 1 more not printed"), "\(two.summary)")
    }

    @Test func tableRawAndPrettyKeepEveryIdWhole() async throws {
        let fixture = try await Fixture.start()
        let table = try await fixture.run(["-o", "table", "eval", Self.all])
        let raw = try await fixture.run([
            "-o", "raw", "eval",
            "local ids = {} for m in coclick.meetings.each{per = 100} do ids[#ids + 1] = m.id end return ids",
        ])
        // The default (pretty) to a pipe: nothing folded, no "... more rows", no cut cell.
        let pretty = try await fixture.run(["eval", Self.all])
        await fixture.stop()

        #expect(table.status == 0, "\(table.summary)")
        let tableLines = table.stdout.split(separator: "\n")
        #expect(tableLines.count == 502, "a header, a rule and 500 rows: \(tableLines.count)")
        #expect(zip(tableLines.dropFirst(2), fixture.ids).allSatisfy { $0.hasPrefix($1 + "  ") })

        #expect(raw.status == 0, "\(raw.summary)")
        #expect(raw.stdout == fixture.ids.map { $0 + "\n" }.joined())

        #expect(pretty.status == 0, "\(pretty.summary)")
        let prettyLines = pretty.stdout.split(separator: "\n")
        #expect(prettyLines.count == 502, "\(prettyLines.count) lines, ending \(prettyLines.last ?? "")")
        #expect(!pretty.stdout.contains("more rows") && !pretty.stdout.contains("…"))
        #expect(zip(prettyLines.dropFirst(2), fixture.ids).allSatisfy { $0.hasPrefix($1 + "  ") })
    }

    @Test func outputToAFileIsNeverCut() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let file = home.root.appendingPathComponent("all.txt")
        // 150 records with long cells and a table of 150 fields: pp folds each on a terminal.
        let code = """
            local rows, wide = {}, {}
            for i = 1, 150 do
              rows[i] = {id = ("%064x"):format(i), note = ("word "):rep(30) .. i}
              wide["field" .. i] = i
            end
            return rows, wide
            """
        let status = try Self.runToFile(["eval", code], file: file, environment: home.environment())
        #expect(status == 0)
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(!text.contains("more rows") && !text.contains("more fields") && !text.contains("…"), "\(text.suffix(300))")
        for i in [1, 100, 150] {
            #expect(text.contains(String(format: "%064x", i) + "  " + String(repeating: "word ", count: 30) + "\(i)"))
            #expect(text.contains("field\(i) = \(i)"))
        }
    }

    @Test func aTerminalStillFoldsPretty() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let terminal = try PseudoTerminal(
            ["eval", "local t = {} for i = 1, 150 do t[i] = {id = ('%064x'):format(i)} end return t"],
            environment: home.environment())
        try terminal.expect("... (50 more rows)")
        #expect(try terminal.waitForExit() == 0)
    }

    @Test func eachFormatOnOtherShapes() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        func run(_ format: String, _ code: String) throws -> String {
            let run = try BinaryRun.coclick(["-o", format, "eval", code], environment: home.environment())
            #expect(run.status == 0, "\(format) \(code): \(run.summary)")
            return run.stdout
        }
        // ndjson: an array's items a line each; anything else one line; an empty array nothing.
        #expect(try run("ndjson", "{1, 'two', {3}}, {a = 1}, {}") == "1\n\"two\"\n[3]\n{\"a\":1}\n")
        // raw: strings as they are, other values as JSON, an array's items a line each.
        #expect(try run("raw", "{'a b', 2, {c = true}}, 'x\\ty'") == "a b\n2\n{\"c\":true}\nx\ty\n")
        // table and csv: one record is one row; an empty array prints nothing.
        #expect(try run("table", "{user = 'u', id = 'i', n = 10}") == "id  user   n\n--  ----  --\ni   u     10\n")
        #expect(try run("csv", "{}") == "")
        // pretty: pp's rendering, one result a line.
        #expect(try run("pretty", "1, 'a', {x = {1, 2}}") == "1\n\"a\"\n{x = {1, 2}}\n")
    }

    @Test func formatsThatNeedTablesRefuseOthers() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let number = try BinaryRun.coclick(["-o", "csv", "eval", "42"], environment: home.environment())
        #expect(number.status == 1 && number.stderr.contains("-o csv: result 1 is a number, not an array of tables"), "\(number.summary)")
        let function = try BinaryRun.coclick(["-o", "json", "eval", "print"], environment: home.environment())
        #expect(function.status == 1 && function.stderr.contains("result 1 has no JSON form"), "\(function.summary)")
        let disagree = try BinaryRun.coclick(["--json", "-o", "csv", "eval", "{}"], environment: home.environment())
        #expect(disagree.status == 2 && disagree.stderr.contains("--json and -o csv disagree"), "\(disagree.summary)")
        let unknown = try BinaryRun.coclick(["-o", "yaml", "eval", "{}"], environment: home.environment())
        #expect(unknown.status == 2, "\(unknown.summary)")
    }

    /// Runs the binary with standard output redirected to `file` (not a pipe, not a terminal).
    static func runToFile(_ arguments: [String], file: URL, environment: [String: String]) throws -> Int32 {
        FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = BuiltBinary.url
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
