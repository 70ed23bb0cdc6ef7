import Foundation
import Testing

/// Standard output that cannot be written (a full disk, a closed pipe) ends the run with 74 and
/// a message on standard error, whichever way the output was written: never a silent 0, never a
/// death by SIGPIPE, never a script writing on forever.
@Suite("Output failures")
struct OutputFailureTests {
    enum Destination: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// Every write fails with ENOSPC.
        case fullDisk = "/dev/full"
        /// A pipe whose reader is gone: EPIPE (SIGPIPE, unless ignored).
        case closedPipe = "a closed pipe"

        var testDescription: String { rawValue }

        var reason: String {
            switch self {
            case .fullDisk: "No space left on device"
            case .closedPipe: "Broken pipe"
            }
        }

        /// The child's standard output, and what to close once it has ended.
        func open() throws -> (FileHandle, () -> Void) {
            switch self {
            case .fullDisk:
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/full"))
                return (handle, { try? handle.close() })
            case .closedPipe:
                let pipe = Pipe()
                try pipe.fileHandleForReading.close()
                return (pipe.fileHandleForWriting, { try? pipe.fileHandleForWriting.close() })
            }
        }
    }

    struct Writer: Sendable, CustomTestStringConvertible {
        var name: String
        var arguments: [String]
        /// The message names the script's line (the failing call raised there).
        var location: String?
        var testDescription: String { name }
    }

    static let writers: [Writer] = [
        Writer(
            name: "eval's results (--json, the sandbox's meetings)",
            arguments: ["--sandbox", "--json", "eval", "return coclick.meetings.all{}"]),
        Writer(name: "print", arguments: ["eval", "print('a line')"], location: "(command line):1: "),
        Writer(name: "io.write, failing at the final flush", arguments: ["eval", "io.write('buffered')"]),
        Writer(name: "io.stdout:write then os.exit(0)", arguments: ["eval", "io.stdout:write('buffered'); os.exit(0)"]),
        Writer(
            name: "print in an endless loop", arguments: ["eval", "while true do print('y') end"],
            location: "(command line):1: "),
        Writer(
            name: "io.write in an endless loop", arguments: ["eval", "while true do io.write('y') end"],
            location: "(command line):1: "),
        // The error is caught on every turn: the run is still ended, as SIGPIPE would end it.
        Writer(name: "a loop catching the write error", arguments: ["eval", "while true do pcall(print, 'y') end"]),
        Writer(name: "--version", arguments: ["--version"]),
    ]

    @Test(arguments: Destination.allCases, writers)
    func exitsSeventyFourWithAMessage(_ destination: Destination, _ writer: Writer) throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let (output, close) = try destination.open()
        defer { close() }
        let run = try BinaryRun.coclick(
            writer.arguments, environment: home.environment(), timeout: .seconds(60),
            output: output)
        #expect(!run.timedOut, "no exit within 60 s: \(run.summary)")
        #expect(run.status == 74, "\(run.summary)")
        let message = "cannot write standard output: \(destination.reason)"
        #expect(run.stderr.hasPrefix("coclick: \(writer.location ?? "")\(message)"), "\(run.summary)")
        #expect(run.stderr.components(separatedBy: message).count == 2, "said once: \(run.summary)")
    }

    @Test func aFailedWriteStopsTheScriptThere() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let marker = home.root.appendingPathComponent("after-print")
        let path = try home.script(
            "stops.lua",
            """
            print("lost")
            io.open(\(String(reflecting: marker.path)), "w"):close()
            """)
        let (output, close) = try Destination.fullDisk.open()
        defer { close() }
        let run = try BinaryRun.coclick(["run", path], environment: home.environment(), output: output)
        #expect(run.status == 74, "\(run.summary)")
        // Lua shortens a long chunk name from the left: the file's name and line are what is kept.
        #expect(
            run.stderr.hasPrefix("coclick: ") && run.stderr.contains("stops.lua:1: cannot write standard output"),
            "\(run.summary)")
        #expect(!FileManager.default.fileExists(atPath: marker.path), "the line after the failed print ran")
    }

    @Test func writesToOtherFilesAreUnaffected() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let file = home.root.appendingPathComponent("kept.txt")
        // stdout fails first; the script catches it, then writes a file of its own, which works.
        let code = """
            local ok, err = pcall(print, "lost")
            local f = assert(io.open(\(String(reflecting: file.path)), "w"))
            assert(f:write(tostring(ok), " ", err:match("cannot write standard output") or "?"))
            f:close()
            """
        let (output, close) = try Destination.fullDisk.open()
        defer { close() }
        let run = try BinaryRun.coclick(["eval", code], environment: home.environment(), output: output)
        #expect(run.status == 74, "the output was still lost: \(run.summary)")
        #expect(run.stderr == "coclick: cannot write standard output: No space left on device\n", "\(run.summary)")
        #expect((try? String(contentsOf: file, encoding: .utf8)) == "false cannot write standard output")
    }
}
