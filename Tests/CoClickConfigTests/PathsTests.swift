import Testing

@testable import CoClickConfig

@Suite("XDG paths")
struct PathsTests {
    @Test func defaultsUnderHome() throws {
        let paths = try XDGPaths(environment: ["HOME": "/home/ann"])
        #expect(paths.configFile == "/home/ann/.config/coclick/config.toml")
        #expect(paths.cacheDirectory == "/home/ann/.cache/coclick")
        #expect(paths.stateDirectory == "/home/ann/.local/state/coclick")
        #expect(paths.historyFile == "/home/ann/.local/state/coclick/history")
    }

    @Test func xdgVariablesOverrideEachDirectory() throws {
        let paths = try XDGPaths(environment: [
            "HOME": "/home/ann", "XDG_CONFIG_HOME": "/etc/xdg-ann/",
            "XDG_CACHE_HOME": "/var/cache/ann", "XDG_STATE_HOME": "/var/state",
        ])
        #expect(paths.configFile == "/etc/xdg-ann/coclick/config.toml")
        #expect(paths.cacheDirectory == "/var/cache/ann/coclick")
        #expect(paths.stateDirectory == "/var/state/coclick")
    }

    @Test func relativeOrEmptyXDGValuesAreIgnored() throws {
        let paths = try XDGPaths(environment: [
            "HOME": "/home/ann", "XDG_CONFIG_HOME": "relative/config", "XDG_CACHE_HOME": "", "XDG_STATE_HOME": "./state",
        ])
        #expect(paths.configDirectory == "/home/ann/.config/coclick")
        #expect(paths.cacheDirectory == "/home/ann/.cache/coclick")
        #expect(paths.stateDirectory == "/home/ann/.local/state/coclick")
    }

    @Test func withoutHomeThePasswordDatabaseIsUsed() throws {
        let paths = try XDGPaths(environment: [:])
        let home = try #require(XDGPaths.homeDirectory(environment: [:]))
        #expect(home.hasPrefix("/"))
        #expect(paths.configFile == (home == "/" ? "" : home) + "/.config/coclick/config.toml")
    }

    @Test func rootHomeDoesNotDoubleTheSlash() throws {
        let paths = try XDGPaths(environment: ["HOME": "/"])
        #expect(paths.configFile == "/.config/coclick/config.toml")
    }
}
