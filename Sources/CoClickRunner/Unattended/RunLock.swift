import CoClickConfig
import Foundation
import Glibc

/// `--lock NAME`: an exclusive `flock` on `NAME.lock` in `$XDG_RUNTIME_DIR/coclick/locks/`
/// (else the cache folder's `locks/`), held by an open descriptor until the process ends, so a
/// crashed or killed run never leaves it held. The descriptor is close-on-exec: a child that
/// outlives the run (a `secret_key_command`) does not keep it.
enum RunLock {
    /// Why the lock was not taken: the one-line message, and the exit status.
    struct Failure: Error {
        var message: String
        var status: Int32
    }

    /// How often a waiting run tries again.
    static let retryInterval: Duration = .milliseconds(50)

    /// The folder of the lock files for `environment`.
    static func directory(environment: [String: String]) throws -> String {
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") {
            var info = stat()
            if stat(runtime, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
                return runtime + "/coclick/locks"
            }
        }
        return try XDGPaths(environment: environment).cacheDirectory + "/locks"
    }

    /// Takes the lock `name`, waiting at most `wait` (nil: not at all) and never past
    /// `deadline` (`--timeout`). Returns the descriptor that holds it.
    static func acquire(
        _ name: String, wait: Duration?, deadline: ContinuousClock.Instant?,
        environment: [String: String]
    ) -> Result<Int32, Failure> {
        let path: String
        do {
            let folder = try directory(environment: environment)
            try FileAccess.makeDirectories(folder, mode: 0o700)
            path = folder + "/" + name + ".lock"
        } catch let error as FileAccess.Failure {
            return .failure(
                Failure(
                    message: "coclick: cannot create the lock folder for \"\(name)\": \(error.message)",
                    status: ExitStatus.configuration))
        } catch {
            return .failure(Failure(message: "coclick: cannot place the lock \"\(name)\": \(error)", status: ExitStatus.configuration))
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o600)
        guard fd >= 0 else {
            return .failure(
                Failure(
                    message: "coclick: cannot open the lock file \(path): \(String(cString: strerror(errno)))",
                    status: ExitStatus.configuration))
        }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            return .failure(Failure(message: "coclick: the lock file \(path) is not a regular file", status: ExitStatus.configuration))
        }
        let started = ContinuousClock.now
        let giveUp = wait.map { started + $0 }
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return .success(fd) }
            let error = errno
            if error == EINTR { continue }
            guard error == EWOULDBLOCK else {
                close(fd)
                return .failure(
                    Failure(
                        message: "coclick: cannot lock \(path): \(String(cString: strerror(error)))",
                        status: ExitStatus.configuration))
            }
            let now = ContinuousClock.now
            if let deadline, now >= deadline {
                close(fd)
                return .failure(
                    Failure(
                        message: "coclick: timed out (--timeout) waiting for the lock \"\(name)\"",
                        status: ExitStatus.timedOut))
            }
            guard let giveUp, now < giveUp else {
                close(fd)
                let waited = wait.map { " after waiting \(Self.seconds($0)) s" } ?? ""
                return .failure(
                    Failure(
                        message: "coclick: another run holds the lock \"\(name)\" (\(path))\(waited)",
                        status: ExitStatus.locked))
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    private static func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
