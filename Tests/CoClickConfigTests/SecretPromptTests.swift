import Glibc
import Testing

@testable import CoClickConfig

/// Serialized: reading from a terminal swaps the process's SIGINT disposition for the length of
/// the read, and one test sends itself SIGINT. Two such reads side by side could restore each
/// other's saved disposition (the default one) under the signal, and end the test process.
@Suite("Reading a secret", .serialized)
struct SecretPromptTests {
    /// A pipe holding `text`, its write end closed.
    func pipeHolding(_ text: String) throws -> Int32 {
        var ends: [Int32] = [-1, -1]
        try #require(pipe(&ends) == 0)
        let bytes = Array(text.utf8)
        try #require(bytes.withUnsafeBytes { write(ends[1], $0.baseAddress, $0.count) } == bytes.count)
        close(ends[1])
        return ends[0]
    }

    @Test func readsTheFirstLineOfANonTerminalInput() throws {
        let fd = try pipeHolding("the-key\nrest of the script\n")
        defer { close(fd) }
        #expect(try SecretPrompt.read(prompt: "Secret key: ", input: fd) == "the-key")
        // Only the first line was consumed.
        var rest = [UInt8](repeating: 0, count: 64)
        let count = read(fd, &rest, rest.count)
        #expect(String(decoding: rest[0..<max(count, 0)], as: UTF8.self) == "rest of the script\n")
    }

    @Test func acceptsALastLineWithoutNewlineAndCRLF() throws {
        let plain = try pipeHolding("no-newline")
        defer { close(plain) }
        #expect(try SecretPrompt.read(prompt: "", input: plain) == "no-newline")
        let crlf = try pipeHolding("windows\r\n")
        defer { close(crlf) }
        #expect(try SecretPrompt.read(prompt: "", input: crlf) == "windows")
    }

    @Test func emptyOrOverlongInputIsAnError() throws {
        let empty = try pipeHolding("")
        defer { close(empty) }
        let error = configurationError { _ = try SecretPrompt.read(prompt: "", input: empty) }
        #expect(error?.code == .secretInput)
        #expect(error?.description == "coclick: no secret key given on standard input")

        let long = try pipeHolding(String(repeating: "k", count: SecretPrompt.lengthLimit + 10) + "\n")
        defer { close(long) }
        let tooLong = configurationError { _ = try SecretPrompt.read(prompt: "", input: long) }
        #expect(tooLong?.code == .secretInput)
        #expect(tooLong?.description.contains("kkkk") == false)
    }

    /// A pseudo-terminal: (master, slave).
    func openPseudoTerminal() throws -> (Int32, Int32) {
        let pty = try PseudoTerminalFunctions()
        let master = pty.openpt(O_RDWR | O_NOCTTY)
        try #require(master >= 0)
        try #require(pty.grantpt(master) == 0 && pty.unlockpt(master) == 0)
        let name = String(cString: try #require(pty.ptsname(master)))
        let slave = open(name, O_RDWR | O_NOCTTY)
        try #require(slave >= 0)
        return (master, slave)
    }

    @Test func onATerminalTheKeyIsNotEchoedAndEchoIsRestored() throws {
        let (master, slave) = try openPseudoTerminal()
        defer {
            close(master)
            close(slave)
        }
        var before = termios()
        try #require(tcgetattr(slave, &before) == 0)
        try #require(before.c_lflag & tcflag_t(ECHO) != 0)

        // Type the key once the prompt shows, i.e. once echo is off.
        let typist = PromptTypist(master: master) { master in
            let bytes = Array("typed-secret\n".utf8)
            _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
        }
        let key = try SecretPrompt.read(prompt: "Secret key: ", input: slave, promptOutput: slave)
        let screen = typist.join()
        #expect(key == "typed-secret")
        #expect(screen.contains("Secret key: "))
        #expect(!screen.contains("typed-secret"))

        var after = termios()
        try #require(tcgetattr(slave, &after) == 0)
        #expect(after.c_lflag & tcflag_t(ECHO) != 0)
    }
}

extension SecretPromptTests {
    @Test func aSignalWhileReadingRestoresEchoAndInterrupts() throws {
        let (master, slave) = try openPseudoTerminal()
        defer {
            close(master)
            close(slave)
        }
        // A process that survives SIGINT (as the REPL does): a handler that does nothing.
        var quiet: sigaction = .init()
        quiet.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&quiet.sa_mask)
        var original: sigaction = .init()
        try #require(sigaction(SIGINT, &quiet, &original) == 0)
        defer { sigaction(SIGINT, &original, nil) }

        let typist = PromptTypist(master: master) { master in
            // Half a key typed, then Ctrl-C (sent to the process, as a terminal does).
            _ = write(master, "half", 4)
            kill(getpid(), SIGINT)
        }
        let error = configurationError { _ = try SecretPrompt.read(prompt: "Secret key: ", input: slave, promptOutput: slave) }
        _ = typist.join()
        #expect(error?.code == .interrupted)
        var after = termios()
        try #require(tcgetattr(slave, &after) == 0)
        #expect(after.c_lflag & tcflag_t(ECHO) != 0)
        // The previous SIGINT disposition is back in place.
        var current: sigaction = .init()
        sigaction(SIGINT, nil, &current)
        #expect(
            unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(quiet.__sigaction_handler.sa_handler, to: Int.self))
    }
}

/// Reads the terminal's screen (the master side) until the prompt appears, types `text`,
/// then collects what the terminal shows until the prompt's closing newline.
final class PromptTypist: @unchecked Sendable {
    private var thread = pthread_t()
    private var screen: [UInt8] = []
    private let master: Int32
    private let afterPrompt: @Sendable (Int32) -> Void

    init(master: Int32, afterPrompt: @escaping @Sendable (Int32) -> Void) {
        self.master = master
        self.afterPrompt = afterPrompt
        let box = Unmanaged.passRetained(self).toOpaque()
        pthread_create(
            &thread, nil,
            { raw in
                let this = Unmanaged<PromptTypist>.fromOpaque(raw!).takeRetainedValue()
                this.work()
                return nil
            }, box)
    }

    private func work() {
        var typed = false
        var buffer = [UInt8](repeating: 0, count: 256)
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, 50) > 0 {
                let count = read(master, &buffer, buffer.count)
                if count <= 0 { break }
                screen.append(contentsOf: buffer[0..<count])
            }
            let shown = String(decoding: screen, as: UTF8.self)
            if !typed, shown.contains("Secret key: ") {
                afterPrompt(master)
                typed = true
            } else if typed, shown.hasSuffix("\n") {
                // The prompt's closing newline, written as the read ends: everything the
                // terminal showed (an echo of the key would come before it) is in.
                break
            }
        }
    }

    func join() -> String {
        pthread_join(thread, nil)
        return String(decoding: screen, as: UTF8.self)
    }
}

/// posix_openpt and friends need _XOPEN_SOURCE, which the Glibc module does not define:
/// look them up in the C library instead.
struct PseudoTerminalFunctions {
    let openpt: @convention(c) (Int32) -> Int32
    let grantpt: @convention(c) (Int32) -> Int32
    let unlockpt: @convention(c) (Int32) -> Int32
    let ptsname: @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?

    init() throws {
        func symbol<T>(_ name: String, as type: T.Type) throws -> T {
            let address = try #require(dlsym(nil, name), "\(name) not found")
            return unsafeBitCast(address, to: type)
        }
        openpt = try symbol("posix_openpt", as: (@convention(c) (Int32) -> Int32).self)
        grantpt = try symbol("grantpt", as: (@convention(c) (Int32) -> Int32).self)
        unlockpt = try symbol("unlockpt", as: (@convention(c) (Int32) -> Int32).self)
        ptsname = try symbol("ptsname", as: (@convention(c) (Int32) -> UnsafeMutablePointer<CChar>?).self)
    }
}
