import CoClickConfig
import CoClickLua
import Glibc

/// Where the compiled prelude is kept between runs: a file per chunk in the cache folder
/// (`$XDG_CACHE_HOME/coclick/`, made 0700), written atomically with mode 0600, and read back
/// only when it is a regular file of this user that no one else may write: a dump is code the
/// run executes.
struct CompiledChunkFolder: CompiledChunkStore {
    let folder: String

    /// Far more than the prelude's dump (about 20 KB).
    static let limit = 1 << 20

    func read(_ name: String) -> [UInt8]? {
        // O_NOFOLLOW: a link is never followed to whatever it names; O_NONBLOCK: a FIFO in its
        // place does not block the open (fstat then refuses it).
        let fd = open(folder + "/" + name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_uid == geteuid(),
            info.st_mode & 0o022 == 0, info.st_size <= Self.limit
        else { return nil }
        return try? FileAccess.contents(of: fd, limit: Self.limit)
    }

    func write(_ name: String, _ bytes: [UInt8]) {
        // A folder that cannot be made or written (a read-only home, say): compiled next time too.
        try? FileAccess.makeDirectories(folder, mode: 0o700)
        // Not flushed to disk: a file torn by a crash fails its checksum and is compiled again.
        try? FileAccess.writeAtomically(bytes, to: folder + "/" + name, mode: 0o600, durable: false)
    }
}
