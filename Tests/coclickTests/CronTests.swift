import CoClickSandbox
import CoClickSandboxTesting
import Foundation
import Testing

/// What a scheduled run relies on: processes started together share one authentication, a
/// silent server ends the run with a status cron acts on, log lines are time-stamped on
/// standard error, and a bare `env -i` environment is enough.
@Suite struct CronTests {
    @Test func twentyProcessesStartedTogetherAuthenticateOnce() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        // Latency widens the window in which the processes race for a token.
        let server = try await TestSandbox.start(faults: "latency=100ms")
        defer { Task { await server.stop() } }
        let expected = try await TestSandbox.meetingCount(server)
        let before = server.stats.authentications
        let script = try home.script("count.lua", "print(#coclick.meetings.all{per = 50})\n")
        let environment = Examples.environment(home, server)

        let runs = try await Self.together(20) { _ in
            try BinaryRun.coclick(["run", script], environment: environment, timeout: .seconds(180))
        }
        for run in runs {
            #expect(run.status == 0 && !run.timedOut, "\(run.summary)")
            #expect(run.stdout == "\(expected)\n", "\(run.summary)")
        }
        #expect(server.stats.authentications - before == 1, "\(server.stats)")
        #expect(server.stats.unauthorized == 0, "\(server.stats)")
    }

    @Test func silentServerIsFiveWithinTheRequestTimeout() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start(faults: "hang=1")
        defer { Task { await server.stop() } }
        let started = ContinuousClock.now
        let run = try await BinaryRun.coclickOffPool(
            ["eval", "return #coclick.meetings.all{}"],
            environment: Examples.environment(home, server, ["COCLICK_REQUEST_TIMEOUT": "0.5"]),
            timeout: .seconds(60))
        let elapsed = ContinuousClock.now - started
        #expect(!run.timedOut)
        #expect(run.status == 5, "\(run.summary)")
        #expect(run.stderr.hasPrefix("coclick: "), "\(run.summary)")
        #expect(run.stdout.isEmpty)
        // 4 attempts of 0.5 s and their backoff (a few seconds), where the default bounds would
        // take 2 minutes; the margin is for a busy machine.
        #expect(elapsed < .seconds(45), "\(elapsed)")
    }

    @Test func silentServerUnderTimeoutIsOneHundredTwentyFour() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try await TestSandbox.start(faults: "hang=1")
        defer { Task { await server.stop() } }
        let started = ContinuousClock.now
        let run = try await BinaryRun.coclickOffPool(
            ["--timeout", "2", "eval", "return #coclick.meetings.all{}"],
            environment: Examples.environment(home, server), timeout: .seconds(60))
        let elapsed = ContinuousClock.now - started
        #expect(!run.timedOut)
        #expect(run.status == 124, "\(run.summary)")
        #expect(elapsed >= .seconds(2) && elapsed < .seconds(30), "\(elapsed)")
    }

    @Test func badRequestTimeoutIsAConfigurationError() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        for value in ["soon", "0", "-3"] {
            let run = try BinaryRun.coclick(
                ["eval", "return coclick.auth()"],
                environment: home.environment([
                    "COCLICK_SECRET_ID": "id", "COCLICK_SECRET_KEY": "k",
                    "COCLICK_REQUEST_TIMEOUT": value,
                ]))
            #expect(run.status == 3, "\(value): \(run.summary)")
            #expect(run.stderr.contains("COCLICK_REQUEST_TIMEOUT"), "\(value): \(run.summary)")
        }
    }

    // MARK: log.*

    /// `2024-05-17T09:30:00.123Z LEVEL message`, the time within a minute of now.
    private static func expectLogLine(_ line: String, level: String, message: String) {
        let pattern = #"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)) (\w+) (.*)$"#
        let regex = try? NSRegularExpression(pattern: pattern)
        let range = NSRange(line.startIndex..., in: line)
        guard let match = regex?.firstMatch(in: line, range: range),
            let stamp = Range(match.range(at: 1), in: line), let lvl = Range(match.range(at: 4), in: line),
            let text = Range(match.range(at: 5), in: line)
        else {
            Issue.record("not a log line: \(line.debugDescription)")
            return
        }
        #expect(String(line[lvl]) == level)
        #expect(String(line[text]) == message)
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        let date = parser.date(from: String(line[stamp])) ?? plain.date(from: String(line[stamp]))
        #expect(date.map { abs($0.timeIntervalSinceNow) < 60 } == true, "\(line)")
    }

    @Test func logLinesAreTimeStampedOnStandardError() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let code = "log.info('starting', 3, true); print('data'); log.warn('careful'); log.error('failed:', 'x')"
        let run = try BinaryRun.coclick(["eval", code], environment: home.environment())
        #expect(run.status == 0, "\(run.summary)")
        #expect(run.stdout == "data\n")
        let lines = run.stderr.split(separator: "\n").map(String.init)
        try #require(lines.count == 3, "\(run.summary)")
        Self.expectLogLine(lines[0], level: "INFO", message: "starting 3 true")
        Self.expectLogLine(lines[1], level: "WARN", message: "careful")
        Self.expectLogLine(lines[2], level: "ERROR", message: "failed: x")
    }

    @Test func quietSilencesLogInfoOnly() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let path = try home.script("log.lua", "log.info('progress'); log.warn('careful'); print('data')\n")
        for arguments in [["-q", "run", path], ["run", "--quiet", path]] {
            let run = try BinaryRun.coclick(arguments, environment: home.environment())
            #expect(run.status == 0, "\(run.summary)")
            #expect(run.stdout == "data\n")
            let lines = run.stderr.split(separator: "\n").map(String.init)
            try #require(lines.count == 1, "\(arguments): \(run.summary)")
            Self.expectLogLine(lines[0], level: "WARN", message: "careful")
        }
    }

    // MARK: env -i

    /// Exactly `env -i PATH=/usr/bin:/bin HOME=...`: no XDG variables, no TZ, no LANG; the key
    /// pair in ~/.config/coclick/config.toml, the token cached under ~/.cache/coclick.
    @Test func exampleRunsUnderEnvDashI() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let sandbox = try SandboxProcess(arguments: [], environment: home.environment())
        defer { sandbox.stop() }
        let vars = sandbox.variables
        let configDirectory = home.root.appendingPathComponent(".config/coclick")
        try FileManager.default.createDirectory(at: configDirectory, withIntermediateDirectories: true)
        let config = configDirectory.appendingPathComponent("config.toml")
        try """
        [profiles.default]
        base_url = "\(vars["COCLICK_BASE_URL"] ?? "")"
        secret_id = "\(vars["COCLICK_SECRET_ID"] ?? "")"
        secret_key = "\(vars["COCLICK_SECRET_KEY"] ?? "")"

        """.write(to: config, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: config.path)

        let bare = ["PATH": "/usr/bin:/bin", "HOME": home.root.path]
        for script in ["daily-digest.lua", "export-csv.lua"] {
            let arguments = script == "export-csv.lua" ? ["2000-01-01", "2100-01-01"] : []
            let run = try BinaryRun.coclick(["run", Examples.path(script)] + arguments, environment: bare)
            #expect(run.status == 0, "\(script): \(run.summary)")
            #expect(run.stderr.isEmpty, "\(script): \(run.summary)")
            #expect(!run.stdout.isEmpty)
        }
        let cache = home.root.appendingPathComponent(".cache/coclick")
        let tokens = try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasSuffix(".json") }
        #expect(tokens.count == 1, "the two runs shared one cached token: \(tokens)")
    }

    /// Runs `body` on `count` threads started together and returns their results in order:
    /// threads, not concurrency pool tasks, since each blocks until its process exits.
    static func together<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) async throws -> [T] {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                let results = ResultBox<T>(count: count)
                let start = DispatchSemaphore(value: 0)
                let done = DispatchGroup()
                for index in 0..<count {
                    done.enter()
                    Thread.detachNewThread {
                        start.wait()
                        results.set(index, Result { try body(index) })
                        done.leave()
                    }
                }
                for _ in 0..<count { start.signal() }
                done.wait()
                continuation.resume(with: Result { try results.values() })
            }
        }
    }
}

/// Results gathered from threads, behind a lock.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<T, any Error>?]
    init(count: Int) { results = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ result: Result<T, any Error>) { lock.withLock { results[index] = result } }
    func values() throws -> [T] { try lock.withLock { try results.map { try ($0 ?? .failure(CancellationError())).get() } } }
}
