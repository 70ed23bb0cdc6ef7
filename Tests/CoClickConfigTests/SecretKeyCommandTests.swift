import Testing
@testable import CoClickConfig

@Suite("secret_key_command")
struct SecretKeyCommandTests {
    let environment = ["PATH": "/usr/bin:/bin"]

    func run(_ command: String, timeout: Duration = .seconds(10), outputLimit: Int = 64 * 1024) throws -> String {
        try SecretKeyCommand(command, environment: environment, timeout: timeout, outputLimit: outputLimit)
            .run(origin: "profile \"default\" in /x/config.toml")
    }

    @Test func theFirstLineOfOutputIsTheKey() throws {
        #expect(try run("printf 'k3y-from-manager\\n'") == "k3y-from-manager")
        #expect(try run("printf 'no-newline'") == "no-newline")
        #expect(try run("printf 'crlf\\r\\n'") == "crlf")
        // `pass show` prints the password, then other lines.
        #expect(try run("printf 'first\\nlogin: ann\\n'") == "first")
    }

    @Test func itSeesTheGivenEnvironmentAndItsStderrIsNotCaptured() throws {
        let key = try SecretKeyCommand("echo oops >&2; printf '%s' \"$THE_KEY\"", environment: ["THE_KEY": "env-provided"])
            .run(origin: "test")
        #expect(key == "env-provided")
    }

    @Test func aFailingCommandIsAnErrorWithoutItsOutput() {
        let error = configurationError { _ = try run("echo leaked-secret-output; exit 1") }
        #expect(error?.code == .secretKeyCommandFailed)
        #expect(error?.description == "coclick: secret_key_command in profile \"default\" in /x/config.toml failed (exit status 1)")
        #expect(error?.description.contains("leaked-secret-output") == false)
    }

    @Test func emptyOutputIsAnError() {
        let error = configurationError { _ = try run("true") }
        #expect(error?.code == .secretKeyCommandFailed)
        #expect(error?.description == "coclick: secret_key_command in profile \"default\" in /x/config.toml printed nothing")
        let blankLine = configurationError { _ = try run("printf '\\nsecond-line'") }
        #expect(blankLine?.description.hasSuffix("printed an empty first line") == true)
        #expect(blankLine?.description.contains("second-line") == false)
    }

    @Test func aSlowCommandIsStoppedAtTheTimeout() {
        let start = ContinuousClock.now
        let error = configurationError { _ = try run("sleep 30; echo late", timeout: .milliseconds(300)) }
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(error?.code == .secretKeyCommandFailed)
        #expect(error?.description.hasSuffix("did not finish within 0.3 seconds and was stopped") == true)
    }

    @Test func aGrandchildHoldingThePipeDoesNotHangUs() {
        let start = ContinuousClock.now
        let error = configurationError { _ = try run("(sleep 30 &) ; sleep 30", timeout: .milliseconds(300)) }
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(error?.code == .secretKeyCommandFailed)
    }

    @Test func tooMuchOutputIsAnError() {
        let error = configurationError { _ = try run("yes k3y", outputLimit: 1000) }
        #expect(error?.code == .secretKeyCommandFailed)
        #expect(error?.description.hasSuffix("printed more than 1000 bytes and was stopped") == true)
        #expect(error?.description.contains("k3y") == false)
    }

    @Test func aSignalIsReported() {
        let error = configurationError { _ = try run("kill -TERM $$") }
        #expect(error?.description.hasSuffix("failed (killed by signal 15)") == true)
    }

    @Test func itDoesNotReadOurStandardInput() throws {
        // Standard input is /dev/null unless it is a terminal: `cat` ends at once.
        let error = configurationError { _ = try run("cat", timeout: .seconds(5)) }
        #expect(error?.description.hasSuffix("printed nothing") == true)
    }
}
