import Foundation
import Testing

/// `coclick --version` and the man page that scripts/install generates from the argument
/// parser's help dump (man/manpage.lua, run by the built binary itself).
@Suite struct VersionTests {
    /// The package's root folder, from this file's place in it.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test func versionNamesTheReleaseAndTheCommitOfTheCheckout() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let run = try BinaryRun.coclick(["--version"], environment: home.environment())
        #expect(run.status == 0, "\(run.summary)")
        #expect(run.stderr.isEmpty, "\(run.summary)")

        let line = try #require(
            run.stdout.wholeMatch(of: /coclick (\d+)\.(\d+)\.(\d+) \(([^)]*)\)\n/),
            "not `coclick X.Y.Z (commit)`: \(run.summary)")
        // The commit the build plugin recorded is the checkout's HEAD (what git says now: the
        // test runs right after the build), or "unknown" when this is not a git checkout.
        let expected = try Self.gitHead() ?? "unknown"
        #expect(String(line.output.4) == expected, "\(run.summary)")
    }

    @Test func manPageCoversEveryCommandAndOptionOfTheParser() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let dump = try BinaryRun.coclick(["--experimental-dump-help"], environment: home.environment())
        #expect(dump.status == 0, "\(dump.summary)")
        let tool = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        let root = try #require(tool["command"] as? [String: Any])

        let man = try BinaryRun.coclick(
            [
                "run", Self.packageRoot.appendingPathComponent("man/manpage.lua").path,
                Self.packageRoot.appendingPathComponent("man/coclick-extra.man").path, "coclick 9.9.9 (test)",
            ],
            stdin: dump.stdout, environment: home.environment(["SOURCE_DATE_EPOCH": "0"]))
        #expect(man.status == 0, "\(man.summary)")
        #expect(
            man.stdout.hasPrefix(".TH COCLICK 1 \"1970-01-01\" \"coclick 9.9.9 (test)\" \"User Commands\"\n"),
            "\(man.summary)")
        for section in [
            ".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH COMMANDS", ".SH THE LUA API",
            ".SH EXIT STATUS", ".SH FILES",
        ] {
            #expect(man.stdout.contains("\n\(section)\n"), "\(section) missing")
        }
        // Every subcommand and every displayed long option of the dump is in the page.
        for command in root["subcommands"] as? [[String: Any]] ?? [] {
            let name = try #require(command["commandName"] as? String)
            if name != "help" { #expect(man.stdout.contains("\n.SS coclick \(name)\n"), "command \(name) missing") }
        }
        for argument in Self.arguments(root) {
            for case let name as [String: Any] in argument["names"] as? [Any] ?? [] where name["kind"] as? String == "long" {
                let option = "\\-\\-" + (name["name"] as? String ?? "").replacingOccurrences(of: "-", with: "\\-")
                #expect(man.stdout.contains("\\fB\(option)\\fR"), "option \(option) missing")
            }
        }

        // groff reads it without a warning (a stray request, a bad escape).
        let groff = try Self.run("/usr/bin/groff", ["-man", "-ww", "-z"], stdin: man.stdout)
        #expect(groff.status == 0 && groff.stderr.isEmpty, "groff: \(groff.stderr)")
    }

    /// The root's displayed arguments and those of every command below it.
    static func arguments(_ command: [String: Any]) -> [[String: Any]] {
        let own = (command["arguments"] as? [[String: Any]] ?? []).filter { $0["shouldDisplay"] as? Bool ?? true }
        return own + (command["subcommands"] as? [[String: Any]] ?? []).flatMap(arguments)
    }

    /// `git rev-parse --short=7 HEAD` in the package, or nil when it is not a git checkout.
    static func gitHead() throws -> String? {
        guard FileManager.default.fileExists(atPath: packageRoot.appendingPathComponent(".git").path) else { return nil }
        let git = try run("/usr/bin/git", ["-C", packageRoot.path, "rev-parse", "--short=7", "HEAD"])
        try #require(git.status == 0, "git: \(git.stderr)")
        return git.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func run(_ executable: String, _ arguments: [String], stdin: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Small texts both ways: written whole, then both outputs read to their end.
        try input.fileHandleForWriting.write(contentsOf: Data((stdin ?? "").utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}
