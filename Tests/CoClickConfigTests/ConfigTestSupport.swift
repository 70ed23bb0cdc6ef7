import Glibc
import Testing

@testable import CoClickConfig

/// A fresh temporary directory standing in for a home directory, removed at the end.
final class TemporaryHome {
    let path: String

    init() throws {
        var template = Array("/tmp/coclick-config-test-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        path = String(cString: try #require(created))
    }

    deinit { removeTree(path) }

    /// The XDG variables for this home, plus `extra`.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        ["HOME": path, "PATH": "/usr/bin:/bin"].merging(extra) { $1 }
    }

    var configFile: String { path + "/.config/coclick/config.toml" }

    /// Writes `text` at `relativePath` (directories created), with `mode`.
    @discardableResult
    func write(_ text: String, to relativePath: String = ".config/coclick/config.toml", mode: mode_t = 0o600) throws -> String {
        let file = path + "/" + relativePath
        let directory = String(file[..<file.lastIndex(of: "/")!])
        try FileAccess.makeDirectories(directory, mode: 0o700)
        let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, mode)
        try #require(fd >= 0)
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        try #require(written == bytes.count)
        try #require(chmod(file, mode) == 0)
        return file
    }

    func read(_ file: String) throws -> String {
        let bytes = try #require(try FileAccess.contents(of: file, limit: 1 << 20))
        return String(decoding: bytes, as: UTF8.self)
    }

    func resolver(_ extra: [String: String] = [:]) throws -> ConfigurationResolver {
        try ConfigurationResolver(environment: environment(extra))
    }
}

func permissions(of path: String) -> mode_t? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return info.st_mode & 0o7777
}

/// Removes a directory tree (the test's own temporary directory only).
private func removeTree(_ path: String) {
    guard let directory = opendir(path) else {
        unlink(path)
        return
    }
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if name == "." || name == ".." { continue }
        let child = path + "/" + name
        var info = stat()
        if lstat(child, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { removeTree(child) } else { unlink(child) }
    }
    closedir(directory)
    rmdir(path)
}

/// Runs `body` and returns the configuration error it throws.
func configurationError(_ body: () async throws -> Void) async -> ConfigurationError? {
    do {
        try await body()
        return nil
    } catch let error as ConfigurationError {
        return error
    } catch {
        return nil
    }
}

func configurationError(_ body: () throws -> Void) -> ConfigurationError? {
    do {
        try body()
        return nil
    } catch let error as ConfigurationError {
        return error
    } catch {
        return nil
    }
}
