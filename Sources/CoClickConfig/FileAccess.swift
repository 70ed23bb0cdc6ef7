import Glibc
import SystemPackage

/// Small POSIX file helpers for configuration files: bounded reads, modes, atomic writes.
/// POSIX rather than Foundation so that modes are exact and errors carry errno.
package enum FileAccess {
    package struct Failure: Error {
        package var errno: Int32
        package var message: String { String(cString: strerror(errno)) }
    }

    /// The file's bytes, or nil when it does not exist.
    /// - Throws: `Failure` on any other error, `EFBIG` past `limit` bytes, `EINVAL` when it
    ///   is not a regular file (a FIFO or a device would block the read, or never end).
    package static func contents(of path: String, limit: Int) throws(Failure) -> [UInt8]? {
        // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw Failure(errno: errno)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Failure(errno: errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw Failure(errno: EINVAL) }
        return try contents(of: fd, limit: limit)
    }

    /// What `fd` holds up to its end (a pipe too: standard input), at most `limit` bytes.
    /// - Throws: `Failure` on a read error, `EFBIG` past `limit` bytes.
    package static func contents(of fd: Int32, limit: Int) throws(Failure) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count: Int
            do {
                count = try chunk.withUnsafeMutableBytes { try FileDescriptor(rawValue: fd).read(into: $0) }
            } catch {
                throw Failure(errno: (error as? Errno)?.rawValue ?? EIO)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > limit { throw Failure(errno: EFBIG) }
        }
    }

    /// Why others could change what `path` holds, or nil when only its owner (this user or
    /// root) can: `path` itself, then each folder above it up to `home` (included) or `/`,
    /// must not be writable by group or others (a root-owned sticky folder such as /tmp is
    /// fine), as ssh's StrictModes checks. A config file that others can write could make the
    /// run execute a command or send the key elsewhere.
    package static func writableByOthers(_ path: String, home: String?) -> (path: String, fix: String)? {
        let user = getuid()
        var current = path
        while true {
            var info = stat()
            guard stat(current, &info) == 0 else { return nil }
            let isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
            let stickyRootFolder = isDirectory && info.st_uid == 0 && info.st_mode & S_ISVTX != 0
            if info.st_uid != user && info.st_uid != 0 {
                return (current, "chown \(user) \(current)")
            }
            if info.st_mode & 0o022 != 0, !stickyRootFolder {
                return (current, "chmod go-w \(current)")
            }
            if current == home || current == "/" { return nil }
            guard let slash = current.lastIndex(of: "/") else { return nil }
            current = slash == current.startIndex ? "/" : String(current[..<slash])
        }
    }

    /// The permission bits of `path` (following symlinks), or nil when it cannot be stat'ed.
    package static func permissions(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }

    /// Creates `path` and any missing parents with `mode`; existing directories are left alone.
    package static func makeDirectories(_ path: String, mode: mode_t) throws(Failure) {
        var prefix = ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += "/" + component
            if mkdir(prefix, mode) != 0 {
                let error = errno
                var info = stat()
                if error == EEXIST, stat(prefix, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { continue }
                throw Failure(errno: error == EEXIST ? ENOTDIR : error)
            }
        }
    }

    /// Writes `bytes` to `path` atomically: a temporary file in the same directory, created
    /// with `mode`, flushed to disk (unless not `durable`: a cache that checks what it reads),
    /// then renamed over `path`. Readers see the old or the new file, never a partial one, and
    /// the content is never readable with a wider mode.
    package static func writeAtomically(
        _ bytes: [UInt8], to path: String, mode: mode_t, durable: Bool = true
    ) throws(Failure) {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let name = path.split(separator: "/").last.map(String.init) ?? path
        var fd: Int32 = -1
        var temporary = ""
        for _ in 0..<16 {
            temporary = "\(directory.isEmpty ? "" : directory)/.\(name).\(UInt32.random(in: .min ... .max)).tmp"
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw Failure(errno: errno) }
        var failure: Int32 = 0
        // The umask may have narrowed the mode at creation; set it exactly.
        if fchmod(fd, mode) != 0 { failure = errno }
        if failure == 0 {
            do { try FileDescriptor(rawValue: fd).writeAll(bytes) } catch { failure = (error as? Errno)?.rawValue ?? EIO }
        }
        if failure == 0, durable, fsync(fd) != 0 { failure = errno }
        if close(fd) != 0, failure == 0 { failure = errno }
        if failure == 0, rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw Failure(errno: failure)
        }
    }
}
