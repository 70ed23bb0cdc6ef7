import Testing

@testable import CoClickConfig

@Suite("secret_key_command")
struct SecretKeyCommandTests {
    let environment = ["PATH": "/usr/bin:/bin"]

    func run(_ command: String, timeout: Duration = .seconds(10), outputLimit: Int = 64 * 1024) async throws -> String {
        try await SecretKeyCommand(command, environment: environment, timeout: timeout, outputLimit: outputLimit)
            .run(origin: "profile \"default\" in /x/config.toml")
    }

    @Test func theFirstLineOfOutputIsTheKey() async throws {
        #expect(try await run("printf 'k3y-from-manager\\n'") == "k3y-from-manager")
        #expect(try await run("printf 'no-newline'") == "no-newline")
        #expect(try await run("printf 'crlf\\r\\n'") == "crlf")
        // `pass show` prints the password, then other lines.
        #expect(try await run("printf 'first\\nlogin: ann\\n'") == "first")
    }

    @Test func itSeesTheGivenEnvironmentAndItsStderrIsNotCaptured() async throws {
        let key = try await SecretKeyCommand("echo oops >&2; printf '%s' \"$THE_KEY\"", environment: ["THE_KEY": "env-provided"])
            .run(origin: "test")
        #expect(key == "env-provided")
    }

    @Test func aFailingCommandIsAnErrorWithoutItsOutput() async {
        let error = await configurationError { _ = try await run("echo leaked-secret-output; exit 1") }
        #expect(error?.code == .secretKeyCommandFailed)
        #expect(error?.description == "coclick: secret_key_command in profile \"default\" in /x/config.toml failed (exit status 1)")
        #expect(error?.description.contains("leaked-secret-output") == false)
    }

    @Test func emptyOutputIsAnError() async {
        let error = await configurationError { _ = try await run("true") }
        #expect(error?.code == .secretKeyCommandFailed)
        #expect(error?.description == "coclick: secret_key_command in profile \"default\" in /x/config.toml printed nothing")
        let blankLine = await configurationError { _ = try await run("printf '\\nsecond-line'") }
        #expect(blankLine?.description.hasSuffix("printed an empty first line") == true)
        #expect(blankLine?.description.contains("second-line") == false)
    }

    /// How long `body` took, measured on the command's own thread: the parallel test run may
    /// keep every thread of the shared pool blocked for seconds, which is not the command's time.
    func timed(_ body: () async -> ConfigurationError?) async -> (ConfigurationError?, Duration) {
        await withTaskExecutorPreference(ChildProcess.executor) {
            let start = ContinuousClock.now
            let error = await body()
            return (error, ContinuousClock.now - start)
        }
    }

    /// The command sleeps 30 s: ending well before that proves it was stopped, not waited out.
    /// (The bound is loose on purpose: the start and the hand-back of the result go through the
    /// shared pool, which the parallel test run's blocking suites can hold for seconds.)
    @Test func aSlowCommandIsStoppedAtTheTimeout() async {
        let (error, elapsed) = await timed {
            await configurationError { _ = try await run("sleep 30; echo late", timeout: .milliseconds(300)) }
        }
        #expect(elapsed < .seconds(20))
        #expect(error?.code == .secretKeyCommandFailed)
        #expect(error?.description.hasSuffix("did not finish within 0.3 seconds and was stopped") == true)
    }

    @Test func aGrandchildHoldingThePipeDoesNotHangUs() async {
        let (error, elapsed) = await timed {
            await configurationError { _ = try await run("(sleep 30 &) ; sleep 30", timeout: .milliseconds(300)) }
        }
        #expect(elapsed < .seconds(20))  // the grandchild holds the pipe for 30 s
        #expect(error?.code == .secretKeyCommandFailed)
    }

    @Test func tooMuchOutputIsAnError() async {
        let error = await configurationError { _ = try await run("yes k3y", outputLimit: 1000) }
        #expect(error?.code == .secretKeyCommandFailed)
        #expect(error?.description.hasSuffix("printed more than 1000 bytes and was stopped") == true)
        #expect(error?.description.contains("k3y") == false)
    }

    @Test func aSignalIsReported() async {
        let error = await configurationError { _ = try await run("kill -TERM $$") }
        #expect(error?.description.hasSuffix("failed (killed by signal 15)") == true)
    }

    @Test func itDoesNotReadOurStandardInput() async throws {
        // Standard input is /dev/null unless it is a terminal: `cat` ends at once.
        let error = await configurationError { _ = try await run("cat", timeout: .seconds(5)) }
        #expect(error?.description.hasSuffix("printed nothing") == true)
    }
}
