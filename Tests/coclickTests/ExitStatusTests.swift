import CoClickSandbox
import CoClickSandboxTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Every row of SPEC's exit status table, through the built binary.
@Suite struct ExitStatusTests {
    @Test func success() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let run = try BinaryRun.coclick(["eval", "local x = 1"], environment: home.environment())
        #expect(run.status == 0, "\(run.summary)")
        #expect(run.stdout.isEmpty && run.stderr.isEmpty)
    }

    @Test func syntaxErrorIsOne() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let path = try home.script("bad.lua", "print('ok')\nlocal = 3\n")
        let run = try BinaryRun.coclick(["run", path], environment: home.environment())
        #expect(run.status == 1, "\(run.summary)")
        #expect(run.stderr.hasPrefix("coclick: ") && run.stderr.contains("bad.lua:2:"), "\(run.summary)")
        #expect(run.stdout.isEmpty, "a chunk that does not compile does not run")
    }

    @Test func runtimeErrorIsOne() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let run = try BinaryRun.coclick(["eval", "local t = nil; return t.x"], environment: home.environment())
        #expect(run.status == 1, "\(run.summary)")
        #expect(run.stderr.hasPrefix("coclick: (command line):1: attempt to index"), "\(run.summary)")
        #expect(run.stderr.contains("stack traceback:"))
    }

    @Test func unknownOptionIsTwo() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        for arguments in [["--no-such-option"], ["eval", "--bogus", "return 1"], ["run"]] {
            let run = try BinaryRun.coclick(arguments, environment: home.environment())
            #expect(run.status == 2, "\(arguments): \(run.summary)")
            #expect(!run.stderr.isEmpty)
        }
    }

    @Test func missingScriptFileIsTwo() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let missing = home.root.appendingPathComponent("nowhere.lua").path
        let run = try BinaryRun.coclick(["run", missing], environment: home.environment())
        #expect(run.status == 2, "\(run.summary)")
        #expect(run.stderr.contains(missing))
    }

    @Test func noKeyPairIsThree() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        // No environment key, no config.toml: a script that never calls the API still runs...
        let quiet = try BinaryRun.coclick(["eval", "return 40 + 2"], environment: home.environment())
        #expect(quiet.status == 0, "\(quiet.summary)")
        #expect(quiet.stdout == "42\n")
        // ...and the first API call is a configuration error.
        let path = try home.script("list.lua", "print('before')\nlocal all = coclick.meetings.all{}\nprint('after')\n")
        let run = try BinaryRun.coclick(["run", path], environment: home.environment())
        #expect(run.status == 3, "\(run.summary)")
        #expect(run.stdout == "before\n")
        #expect(run.stderr.contains("no key pair"), "\(run.summary)")
    }

    @Test func rejectedKeyIsFour() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start()
        defer { Task { await server.stop() } }
        let wrongKey = String(repeating: "ab", count: 32)
        let environment = home.environment([
            "COCLICK_BASE_URL": server.baseURL, "COCLICK_SECRET_ID": server.secretID, "COCLICK_SECRET_KEY": wrongKey,
        ])
        let run = try await BinaryRun.coclickOffPool(["eval", "return #coclick.meetings.all{}"], environment: environment)
        #expect(run.status == 4, "\(run.summary)")
        #expect(!run.stderr.contains(wrongKey))
        #expect(server.stats.rejectedAuthentications >= 1)
    }

    @Test func unreachableIsFive() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let port = try closedPort()
        let environment = home.environment([
            "COCLICK_SECRET_ID": "id", "COCLICK_SECRET_KEY": "key-that-is-not-used",
        ])
        let run = try BinaryRun.coclick(
            ["--base-url", "http://127.0.0.1:\(port)/api/v1", "eval", "return coclick.auth()"],
            environment: environment, timeout: .seconds(90))
        #expect(run.status == 5, "\(run.summary)")
        #expect(run.stderr.hasPrefix("coclick: "), "\(run.summary)")
    }

    @Test func failingServerIsFive() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        // A sandbox answering 503 to every meeting request.
        let server = try await TestSandbox.start(faults: "503=1")
        defer { Task { await server.stop() } }
        let run = try await BinaryRun.coclickOffPool(
            ["eval", "return #coclick.meetings.all{}"],
            environment: Examples.environment(home, server), timeout: .seconds(120))
        #expect(run.status == 5, "\(run.summary)")
        #expect(run.stderr.contains("503"), "\(run.summary)")
    }

    @Test func timeoutIsOneHundredTwentyFour() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let started = ContinuousClock.now
        let run = try BinaryRun.coclick(
            ["--timeout", "1", "eval", "while true do end"],
            environment: home.environment(), timeout: .seconds(30))
        let elapsed = ContinuousClock.now - started
        #expect(!run.timedOut)
        #expect(run.status == 124, "\(run.summary)")
        #expect(elapsed >= .seconds(1) && elapsed < .seconds(10), "\(elapsed)")
    }

    @Test func timeoutEvenWhenTheScriptCatchesTheInterrupt() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let run = try BinaryRun.coclick(
            ["--timeout", "0.5", "eval", "while true do pcall(function() while true do end end) end"],
            environment: home.environment(), timeout: .seconds(30))
        #expect(!run.timedOut)
        #expect(run.status == 124, "\(run.summary)")
    }

    @Test func sigintIsOneHundredThirty() throws {
        try expectSignal(SIGINT, status: 130)
    }

    @Test func sigtermIsOneHundredFortyThree() throws {
        try expectSignal(SIGTERM, status: 143)
    }

    @Test func osExitGivesItsStatusAndFlushesOutput() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let run = try BinaryRun.coclick(
            ["eval", "io.write('partial line'); print(' and more'); io.write('tail'); os.exit(7)"],
            environment: home.environment())
        #expect(run.status == 7, "\(run.summary)")
        #expect(run.stdout == "partial line and more\ntail")
    }

    /// Starts a loop, waits until it runs, sends `signal`, and expects a clean exit with `status`.
    private func expectSignal(_ signal: Int32, status: Int32) throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let process = Process()
        process.executableURL = BuiltBinary.url
        process.arguments = ["eval", "print('looping'); io.stdout:flush(); while true do end"]
        process.environment = home.environment()
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let line = out.fileHandleForReading.availableData
        #expect(String(decoding: line, as: UTF8.self) == "looping\n")
        kill(process.processIdentifier, signal)
        let exited = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            process.waitUntilExit()
            exited.signal()
        }
        let inTime = exited.wait(timeout: .now() + 15) == .success
        #expect(inTime, "no exit within 15 s of the signal")
        if !inTime {
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
        }
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == status)
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(message.hasPrefix("coclick: "), "\(message)")
    }

    /// A TCP port on 127.0.0.1 that was open a moment ago and is now closed.
    private func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        close(fd)
        #expect(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
