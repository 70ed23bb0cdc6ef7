import CoClickAPI
import CoClickConfig
import CoClickLua
import Foundation
import Glibc

/// `coclick doctor`: checks what a scheduled run needs, one line each on standard output
/// (`ok`, `warn` or `fail`, the topic, what was found). Exit status 0 when nothing fails,
/// else the status of the first failure's kind (3 configuration, 4 key rejected, 5 CoClick
/// unreachable or failing). Checks that depend on a failed one are skipped, and say so.
package enum Doctor {
    enum Level: String { case ok, warn, fail }

    struct Line {
        var level: Level
        var topic: String
        var text: String
        /// For a failure: the exit status of its kind.
        var status: Int32 = 0
    }

    /// Tokens with less than this left draw a warning: a run longer than that renews mid-way.
    static let shortTokenLife: TimeInterval = 5 * 60
    /// A clock further than this from the server's draws a warning: token expiry is judged locally.
    static let clockTolerance: TimeInterval = 30

    package static func run(options: RunOptions) -> Int32 {
        if options.sandbox {
            StandardStreams.writeError("coclick: doctor checks the set-up of real runs; --sandbox needs none\n")
            return ExitStatus.usage
        }
        let redaction = Redaction()
        var lines: [Line] = []
        func emit(_ line: Line) {
            lines.append(line)
            let text = redaction.redact("\(line.level.rawValue.padding(toLength: 4, withPad: " ", startingAt: 0)) \(line.topic): \(line.text)")
            StandardStreams.writeOutput(text + "\n")
            StandardStreams.flush()
        }
        check(options: options, redaction: redaction, emit: emit)
        return lines.first { $0.level == .fail }?.status ?? ExitStatus.success
    }

    private static func check(options: RunOptions, redaction: Redaction, emit: (Line) -> Void) {
        let paths: XDGPaths
        do {
            paths = try XDGPaths(environment: options.environment)
        } catch {
            emit(Line(level: .fail, topic: "home", text: "\(error)", status: ExitStatus.configuration))
            return
        }

        // The configuration file and its mode.
        emit(configFileLine(paths.configFile))
        let resolved: ResolvedConfiguration
        do {
            let resolver = try ConfigurationResolver(environment: options.environment, paths: paths)
            resolved = try waitForAsyncWork { try await resolver.resolve(options.flags, runSecretKeyCommand: false) }
        } catch {
            emit(Line(level: .fail, topic: "config", text: stripped("\(error)"), status: ExitStatus.configuration))
            emit(Line(level: .warn, topic: "auth", text: "not checked (configuration failed)"))
            return
        }
        for warning in resolved.warnings {
            var text = warning
            if text.hasPrefix("warning: ") { text.removeFirst("warning: ".count) }
            emit(Line(level: .warn, topic: "config", text: text))
        }

        // Where the key comes from; a secret_key_command is run.
        var pair = resolved.keyPair
        switch resolved.sources.secretKey {
        case nil:
            emit(
                Line(
                    level: .fail, topic: "key",
                    text: stripped("\(ConfigurationError.noKeyPair(profile: resolved.profile))"),
                    status: ExitStatus.configuration))
        case .secretKeyCommand(let path)?:
            do {
                let resolver = try ConfigurationResolver(environment: options.environment, paths: paths)
                let full = try waitForAsyncWork { try await resolver.resolve(options.flags, runSecretKeyCommand: true) }
                pair = full.keyPair
                if let key = pair?.secretKey { redaction.add(key) }
                emit(Line(level: .ok, topic: "key", text: "secret_key_command in \(path) runs and gives a key (profile \"\(resolved.profile)\")"))
            } catch {
                pair = nil
                emit(Line(level: .fail, topic: "key", text: stripped("\(error)"), status: ExitStatus.configuration))
            }
        case let source?:
            if let key = pair?.secretKey { redaction.add(key) }
            emit(Line(level: .ok, topic: "key", text: "from \(source) (profile \"\(resolved.profile)\")"))
        }

        // Folders a run writes to.
        emit(folderLine("cache", paths.cacheDirectory))
        emit(folderLine("state", paths.stateDirectory))

        // The base URL's scheme.
        let urlLine = baseURLLine(resolved.baseURL, source: resolved.sources.baseURL)
        emit(urlLine)

        guard let pair, urlLine.level != .fail else {
            emit(Line(level: .warn, topic: "auth", text: "not checked (no usable key pair or base URL)"))
            return
        }
        var configuration = CoClickConfiguration(
            baseURL: resolved.baseURL, credentials: Credentials(secretID: pair.secretID, secretKey: pair.secretKey))
        configuration.profile = resolved.profile
        do {
            try RequestTimeout.apply(to: &configuration, environment: options.environment)
        } catch {
            emit(Line(level: .fail, topic: "config", text: stripped("\(error)"), status: ExitStatus.configuration))
            return
        }
        // A client of its own, with tokens in memory: the key itself is checked, not a cached token.
        let client = CoClickClient(
            configuration: configuration,
            tokenStore: MemoryTokenStore(), redaction: redaction,
            trace: ClientProvider.traceHook(verbose: options.verbose, redaction: redaction))
        defer { _ = try? waitForAsyncWork { try await client.shutdown() } }
        let checked: (token: Token, serverDate: Date?)
        do {
            checked = try waitForAsyncWork { try await client.checkAuthentication() }
        } catch {
            let kind = (error as? CoClickError)?.kind.name ?? "network"
            emit(
                Line(
                    level: .fail, topic: "auth", text: "\(resolved.baseURL): \(error)",
                    status: ExitStatus.of(kind: kind) == ExitStatus.luaError ? ExitStatus.unavailable : ExitStatus.of(kind: kind)))
            return
        }
        redaction.add(checked.token.value)
        emit(Line(level: .ok, topic: "auth", text: "key accepted by \(resolved.baseURL) (company \(checked.token.company))"))

        // The token's expiry.
        let life = checked.token.expiresAt.timeIntervalSinceNow
        let expiry = "a new token expires at \(checked.token.expiresAtText) (in \(Int(life / 60)) min)"
        emit(
            Line(
                level: life < shortTokenLife ? .warn : .ok, topic: "token",
                text: life < shortTokenLife ? expiry + ": runs longer than that authenticate again" : expiry))

        // The clock against the server's.
        guard let serverDate = checked.serverDate else {
            emit(Line(level: .warn, topic: "clock", text: "the server sent no Date header; skew not measured"))
            return
        }
        let skew = Date().timeIntervalSince(serverDate)
        let amount = "\(Int(abs(skew).rounded())) s \(skew >= 0 ? "ahead of" : "behind") the server's"
        emit(
            Line(
                level: abs(skew) > clockTolerance ? .warn : .ok, topic: "clock",
                text: abs(skew) > clockTolerance ? amount + ": token expiry is judged by this clock (sync it: NTP)" : amount))
    }

    private static func stripped(_ message: String) -> String {
        message.hasPrefix("coclick: ") ? String(message.dropFirst("coclick: ".count)) : message
    }

    private static func mode(_ value: mode_t) -> String { String(format: "%04o", Int(value & 0o7777)) }

    static func configFileLine(_ path: String) -> Line {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT {
                return Line(level: .ok, topic: "config", text: "no file at \(path) (settings from flags and the environment)")
            }
            return Line(level: .fail, topic: "config", text: "\(path): \(String(cString: strerror(errno)))", status: ExitStatus.configuration)
        }
        var target = info
        if (info.st_mode & S_IFMT) == S_IFLNK, stat(path, &target) != 0 {
            return Line(level: .fail, topic: "config", text: "\(path) is a dangling link", status: ExitStatus.configuration)
        }
        guard (target.st_mode & S_IFMT) == S_IFREG else {
            return Line(level: .fail, topic: "config", text: "\(path) is not a regular file", status: ExitStatus.configuration)
        }
        if target.st_mode & 0o022 != 0 {
            return Line(
                level: .fail, topic: "config",
                text: "\(path) is writable by others (mode \(mode(target.st_mode))): chmod go-w \(path)",
                status: ExitStatus.configuration)
        }
        return Line(level: .ok, topic: "config", text: "\(path) (mode \(mode(target.st_mode)))")
    }

    /// A folder a run writes to: a directory it can write, or one it can create.
    static func folderLine(_ topic: String, _ path: String) -> Line {
        var info = stat()
        if stat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                return Line(level: .fail, topic: topic, text: "\(path) is not a folder", status: ExitStatus.configuration)
            }
            guard access(path, W_OK | X_OK) == 0 else {
                return Line(level: .fail, topic: topic, text: "\(path) is not writable", status: ExitStatus.configuration)
            }
            return Line(level: .ok, topic: topic, text: "\(path) (mode \(mode(info.st_mode)))")
        }
        // The nearest existing parent must let the run create it.
        var parent = path
        while let slash = parent.lastIndex(of: "/"), slash != parent.startIndex {
            parent = String(parent[..<slash])
            var parentInfo = stat()
            if stat(parent, &parentInfo) == 0 {
                if (parentInfo.st_mode & S_IFMT) == S_IFDIR, access(parent, W_OK | X_OK) == 0 {
                    return Line(level: .ok, topic: topic, text: "\(path) (not there yet; created at first use)")
                }
                return Line(
                    level: .fail, topic: topic, text: "\(path) cannot be created: \(parent) is not a writable folder",
                    status: ExitStatus.configuration)
            }
        }
        return Line(level: .fail, topic: topic, text: "\(path) cannot be created", status: ExitStatus.configuration)
    }

    static func baseURLLine(_ url: String, source: ValueSource) -> Line {
        if url.lowercased().hasPrefix("https://") {
            return Line(level: .ok, topic: "base URL", text: "\(url) (https, from \(source))")
        }
        if let host = BaseURL.plainHTTPHost(url) {
            if BaseURL.isLoopback(host) {
                return Line(level: .ok, topic: "base URL", text: "\(url) (plain http, allowed to a loopback host; from \(source))")
            }
            // The configuration refuses this unless --insecure-http or allow_insecure_http
            // allowed it, as it did to get here: a warning, and the checks go on.
            return Line(
                level: .warn, topic: "base URL",
                text: "\(url) (from \(source)): plain http to \(host), allowed by --insecure-http or allow_insecure_http: "
                    + "the key pair and tokens travel unencrypted")
        }
        return Line(
            level: .fail, topic: "base URL",
            text: "\(url) (from \(source)) is not https: the key pair and tokens would travel unencrypted",
            status: ExitStatus.configuration)
    }
}
