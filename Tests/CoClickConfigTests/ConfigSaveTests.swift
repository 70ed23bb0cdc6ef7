import Glibc
import Testing

@testable import CoClickConfig

@Suite("Saving a profile")
struct ConfigSaveTests {
    @Test func createsTheFileAndItsDirectoriesPrivately() async throws {
        let home = try TemporaryHome()
        let storage = try ProfileWriter.save(
            profile: "default", keyPair: KeyPair(secretID: "new-id", secretKey: "new-key"),
            baseURL: "http://127.0.0.1:9/api/v1/", to: home.configFile
        )
        #expect(storage == .storedInFile)
        #expect(permissions(of: home.configFile) == 0o600)
        #expect(permissions(of: home.path + "/.config/coclick") == 0o700)
        #expect(permissions(of: home.path + "/.config") == 0o700)
        let resolved = try await home.resolver().resolve()
        #expect(resolved.keyPair == KeyPair(secretID: "new-id", secretKey: "new-key"))
        #expect(resolved.baseURL == "http://127.0.0.1:9/api/v1")
        #expect(resolved.warnings.isEmpty)
    }

    @Test func keepsOtherProfilesAndKeysAndNarrowsTheMode() async throws {
        let home = try TemporaryHome()
        let file = try home.write(
            """
            editor = "vi"

            [profiles.default]
            base_url = "https://keep.example/api/v1"
            secret_id = "old-id"
            secret_key = "old-key"
            color = true

            [profiles.other]
            secret_id = "other-id"
            secret_key = "other-key"
            """, mode: 0o644)
        try ProfileWriter.save(profile: "default", keyPair: KeyPair(secretID: "new-id", secretKey: "new-key"), to: file)
        #expect(permissions(of: file) == 0o600)
        let config = try #require(try ConfigFile.load(path: file))
        #expect(config.profiles["default"] == ProfileSettings(baseURL: "https://keep.example/api/v1", secretID: "new-id", secretKey: "new-key"))
        #expect(config.profiles["other"] == ProfileSettings(secretID: "other-id", secretKey: "other-key"))
        let text = try home.read(file)
        #expect(text.contains("editor = \"vi\""))
        #expect(text.contains("color = true"))
        #expect(!text.contains("old-key"))
    }

    @Test func addsANewProfileBesideExistingOnes() async throws {
        let home = try TemporaryHome()
        let file = try home.write("[profiles.default]\nsecret_id = \"d\"\nsecret_key = \"dk\"\n")
        try ProfileWriter.save(profile: "my work", keyPair: KeyPair(secretID: "w", secretKey: "wk"), to: file)
        let config = try #require(try ConfigFile.load(path: file))
        #expect(config.profiles["default"] == ProfileSettings(secretID: "d", secretKey: "dk"))
        #expect(config.profiles["my work"] == ProfileSettings(secretID: "w", secretKey: "wk"))
    }

    @Test func keepsASecretKeyCommandInsteadOfStoringTheKey() async throws {
        let home = try TemporaryHome()
        let file = try home.write("[profiles.default]\nsecret_id = \"old\"\nsecret_key_command = \"pass show coclick\"\n")
        let storage = try ProfileWriter.save(profile: "default", keyPair: KeyPair(secretID: "new-id", secretKey: "typed-key"), to: file)
        #expect(storage == .keptSecretKeyCommand)
        let config = try #require(try ConfigFile.load(path: file))
        #expect(config.profiles["default"] == ProfileSettings(secretID: "new-id", secretKeyCommand: "pass show coclick"))
        #expect(!(try home.read(file)).contains("typed-key"))
    }

    @Test func aMalformedFileIsReportedAndLeftAlone() async throws {
        let home = try TemporaryHome()
        let original = "[profiles.default\nsecret_id = \"x\"\n"
        let file = try home.write(original)
        let error = configurationError {
            try ProfileWriter.save(profile: "default", keyPair: KeyPair(secretID: "a", secretKey: "b"), to: file)
        }
        #expect(error?.code == .malformedFile)
        #expect(try home.read(file) == original)
    }

    @Test func aSymlinkedConfigIsUpdatedThroughTheLink() async throws {
        let home = try TemporaryHome()
        let target = try home.write("[profiles.other]\nsecret_id = \"o\"\nsecret_key = \"ok\"\n", to: "dotfiles/config.toml")
        try FileAccess.makeDirectories(home.path + "/.config/coclick", mode: 0o700)
        #expect(symlink(target, home.configFile) == 0)
        try ProfileWriter.save(profile: "default", keyPair: KeyPair(secretID: "d", secretKey: "dk"), to: home.configFile)
        var info = stat()
        #expect(lstat(home.configFile, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK)
        let config = try #require(try ConfigFile.load(path: target))
        #expect(config.profiles.keys.sorted() == ["default", "other"])
    }

    @Test func aFileInTheWayIsAConfigurationError() async throws {
        let home = try TemporaryHome()
        // A regular file where a directory is needed fails even for root.
        let blocker = try home.write("not a directory", to: "blocker")
        let error = configurationError {
            try ProfileWriter.save(profile: "default", keyPair: KeyPair(secretID: "a", secretKey: "b"), to: blocker + "/coclick/config.toml")
        }
        #expect(error?.code == .unreadableFile)
        #expect(error?.description == "coclick: cannot read \(blocker)/coclick/config.toml: Not a directory")
    }

    @Test func anUncreatableDirectoryIsAConfigurationError() async throws {
        // /proc refuses new directories, even to root.
        let error = configurationError {
            try ProfileWriter.save(profile: "default", keyPair: KeyPair(secretID: "a", secretKey: "b"), to: "/proc/coclick-test/config.toml")
        }
        #expect(error?.code == .unwritableFile)
        #expect(error?.description.hasPrefix("coclick: cannot create /proc/coclick-test: ") == true)
    }
}
