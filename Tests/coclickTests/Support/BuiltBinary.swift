import Foundation

/// The `coclick` executable that `swift build` put beside this test bundle, or the one that
/// `COCLICK_TEST_BINARY` names (an installed release binary, to run the suites against it).
enum BuiltBinary {
    static let url: URL = {
        if let path = ProcessInfo.processInfo.environment["COCLICK_TEST_BINARY"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let bundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return bundle.deletingLastPathComponent().appendingPathComponent("coclick")
    }()

    static var path: String { url.path }
}

/// A private HOME and XDG tree for one test, so that no test reads or writes the user's files.
struct IsolatedHome: Sendable {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("coclick-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    var configHome: URL { root.appendingPathComponent("config") }
    var cacheHome: URL { root.appendingPathComponent("cache") }
    var stateHome: URL { root.appendingPathComponent("state") }

    /// A bare environment like cron's, plus the isolated directories.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = [
            "PATH": "/usr/bin:/bin",
            "HOME": root.path,
            "XDG_CONFIG_HOME": configHome.path,
            "XDG_CACHE_HOME": cacheHome.path,
            "XDG_STATE_HOME": stateHome.path,
            "LANG": "C.UTF-8",
            "TZ": "UTC",
        ]
        env.merge(extra) { _, new in new }
        return env
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }
}
