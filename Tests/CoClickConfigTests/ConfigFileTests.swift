import Testing

@testable import CoClickConfig

@Suite("config.toml parsing")
struct ConfigFileTests {
    @Test func malformedTOMLNamesFileAndLine() throws {
        let home = try TemporaryHome()
        let file = try home.write(
            """
            [profiles.default]
            secret_id = "abc"
            secret_key = d49unquotedkey
            """)
        let error = configurationError { _ = try ConfigFile.load(path: file) }
        #expect(error?.code == .malformedFile)
        let text = try #require(error?.description)
        #expect(text.hasPrefix("coclick: \(file):3:"))
        #expect(text.contains("invalid TOML"))
        // The parser's quote of what it saw may be a piece of the key: it is dropped.
        #expect(!text.contains("d49"))
        #expect(!text.contains("'d'"))
    }

    @Test func anUnterminatedTableIsMalformedAtItsLine() throws {
        let home = try TemporaryHome()
        let file = try home.write("# comment\n\n[profiles.default\nsecret_id = \"x\"\n")
        let error = configurationError { _ = try ConfigFile.load(path: file) }
        #expect(error?.code == .malformedFile)
        #expect(error?.description.hasPrefix("coclick: \(file):3:") == true)
    }

    @Test func wrongTypesAreClearErrors() throws {
        let home = try TemporaryHome()
        let file = try home.write("[profiles.default]\nsecret_id = 12345\n")
        let error = configurationError { _ = try ConfigFile.load(path: file) }
        #expect(error?.code == .invalidValue)
        #expect(error?.description == "coclick: \(file): profiles.default.secret_id must be a string")

        try home.write("profiles = \"none\"\n")
        let notTable = configurationError { _ = try ConfigFile.load(path: file) }
        #expect(notTable?.description == "coclick: \(file): profiles must be a table of profiles ([profiles.NAME])")

        try home.write("[profiles]\n\"my work\" = 3\n")
        let profileNotTable = configurationError { _ = try ConfigFile.load(path: file) }
        #expect(profileNotTable?.description == "coclick: \(file): profiles.\"my work\" must be a table ([profiles.\"my work\"])")
    }

    @Test func unknownKeysAreIgnoredAndAbsentFileIsNil() throws {
        let home = try TemporaryHome()
        #expect(try ConfigFile.load(path: home.configFile) == nil)
        let file = try home.write(
            """
            editor = "vi"
            [profiles.default]
            secret_id = "abc"
            color = true
            [profiles."with space"]
            base_url = "http://localhost:1/api/v1"
            [other]
            x = 1
            """)
        let config = try #require(try ConfigFile.load(path: file))
        #expect(config.profiles["default"] == ProfileSettings(secretID: "abc"))
        #expect(config.profiles["with space"] == ProfileSettings(baseURL: "http://localhost:1/api/v1"))
        #expect(config.profiles.count == 2)
    }

    @Test func binaryContentIsMalformed() throws {
        let home = try TemporaryHome()
        let file = try home.write("a = 1\nb = \"x\0y\"\n")
        let error = configurationError { _ = try ConfigFile.load(path: file) }
        #expect(error?.code == .malformedFile)
        #expect(error?.description.hasPrefix("coclick: \(file):2") == true)
    }

    @Test func anUnreadableFileIsAnError() throws {
        let home = try TemporaryHome()
        // A directory where the file should be: read() fails with EISDIR.
        try FileAccess.makeDirectories(home.configFile, mode: 0o700)
        let error = configurationError { _ = try ConfigFile.load(path: home.configFile) }
        #expect(error?.code == .unreadableFile)
        #expect(error?.description.hasPrefix("coclick: cannot read \(home.configFile):") == true)
    }
}
