import Foundation
import Glibc
import SystemPackage

/// Tokens cached in files, one per (profile, base URL, secret ID), shared by processes:
/// mode 0600 in a 0700 directory, written to a temporary file and renamed into place, and
/// renewed under an exclusive `flock` on a lock file beside it, so that processes started
/// together by cron authenticate once. A file holds the token and its expiry, never the key.
public struct FileTokenStore: TokenStore {
    public let directory: String
    /// How long `renew` waits for another process's renewal before renewing regardless.
    public var lockTimeout: Duration = .seconds(60)

    public init(directory: String) {
        self.directory = directory
    }

    /// `$XDG_CACHE_HOME/coclick` or `~/.cache/coclick`.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/coclick" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.cache/coclick"
    }

    /// The cache file of `key`: a hash, so the name reveals neither profile nor secret ID.
    public func path(for key: TokenKey) -> String {
        let digest = SHA256.hex("\(key.profile)\u{0}\(key.baseURL)\u{0}\(key.secretID)")
        return directory + "/token-" + digest.prefix(32) + ".json"
    }

    public func load(_ key: TokenKey) async throws -> Token? {
        try readCached(key)
    }

    public func renew(
        _ key: TokenKey, margin: Duration, rejected: String?,
        authenticate: @escaping @Sendable () async throws -> Token
    ) async throws -> Token {
        try makeDirectory()
        let lock = try await FileLock.acquire(path: path(for: key) + ".lock", timeout: lockTimeout)
        defer { lock.release() }
        // Another process may have renewed while this one waited for the lock.
        if let cached = try readCached(key), cached.isUsable(for: key, margin: margin, rejected: rejected) {
            return cached
        }
        let token = try await authenticate()
        // A cache that cannot be written costs a later authentication, not this request.
        try? writeCached(token, for: key)
        return token
    }

    public func remove(_ key: TokenKey) async throws {
        let file = path(for: key)
        if unlink(file) != 0 && errno != ENOENT {
            throw CoClickError(.network, message: "cannot remove the token cache \(file): \(String(cString: strerror(errno)))")
        }
    }

    // MARK: - Files

    /// - Throws: when the cache file is not a regular file (a FIFO would block the read).
    private func readCached(_ key: TokenKey) throws -> Token? {
        let file = path(for: key)
        // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
        let fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw CoClickError(.network, message: "token cache: \(file) is not a regular file (a FIFO or a device?): remove it")
        }
        var bytes = [UInt8](repeating: 0, count: 16 * 1024)
        var total = 0
        while total < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                (try? FileDescriptor(rawValue: fd).read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]))) ?? 0
            }
            if n <= 0 { break }
            total += n
        }
        guard total < bytes.count, let json = try? JSONValue.parse(Data(bytes[0..<total])),
            json["base_url"]?.stringValue == key.baseURL,
            json["secret_id"]?.stringValue == key.secretID,
            json["profile"]?.stringValue == key.profile,
            let value = json["token"]?.stringValue,
            let expires = json["expires_at"]?.stringValue.flatMap(APIDate.init)
        else { return nil }
        return Token(
            value: value, expiresAt: expires.date, expiresAtText: expires.text,
            company: json["company"]?.stringValue ?? "", baseURL: key.baseURL)
    }

    private func writeCached(_ token: Token, for key: TokenKey) throws {
        let body: JSONValue = .object([
            "profile": .string(key.profile), "base_url": .string(key.baseURL), "secret_id": .string(key.secretID),
            "token": .string(token.value), "expires_at": .string(token.expiresAtText), "company": .string(token.company),
        ])
        let data = Array(body.jsonData())
        let final = path(for: key)
        let temporary = final + ".tmp.\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw fileError("create", temporary) }
        do {
            try FileDescriptor(rawValue: fd).writeAll(data)
        } catch {
            close(fd)
            unlink(temporary)
            throw fileError("write", temporary)
        }
        fsync(fd)
        close(fd)
        if rename(temporary, final) != 0 {
            unlink(temporary)
            throw fileError("rename", final)
        }
    }

    private func makeDirectory() throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue { return }
        try? FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        guard FileManager.default.fileExists(atPath: directory) else { throw fileError("create directory", directory) }
    }

    private func fileError(_ what: String, _ path: String) -> CoClickError {
        CoClickError(.network, message: "token cache: cannot \(what) \(path): \(String(cString: strerror(errno)))")
    }
}

/// An exclusive `flock` on a lock file, waited for without blocking a concurrency thread.
struct FileLock: Sendable {
    let fd: Int32

    static func acquire(path: String, timeout: Duration) async throws -> FileLock {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw CoClickError(.network, message: "token cache: cannot open lock \(path): \(String(cString: strerror(errno)))")
        }
        let deadline = ContinuousClock.now + timeout
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, ContinuousClock.now < deadline else {
                // Renewing without the lock costs at worst one extra authentication.
                return FileLock(fd: fd)
            }
            do {
                try await Task.sleep(for: .milliseconds(5))
            } catch {
                close(fd)
                throw error
            }
        }
        return FileLock(fd: fd)
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
