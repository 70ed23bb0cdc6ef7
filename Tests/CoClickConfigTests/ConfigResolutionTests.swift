import Testing

@testable import CoClickConfig

@Suite("Configuration resolution")
struct ConfigResolutionTests {
    static let profiles = """
        [profiles.default]
        base_url = "https://file.example/api/v1/"
        secret_id = "file-id"
        secret_key = "file-key"

        [profiles.work]
        base_url = "https://work.example/api/v1"
        secret_id = "work-id"
        secret_key = "work-key"
        unknown_key = 42
        """

    @Test func defaultsWhenNothingIsConfigured() async throws {
        let home = try TemporaryHome()
        let resolved = try await home.resolver().resolve()
        #expect(resolved.profile == "default")
        #expect(resolved.baseURL == "https://www.coclick.io/api/v1")
        #expect(resolved.keyPair == nil)
        #expect(resolved.sources.profile == .builtInDefault)
        #expect(resolved.sources.baseURL == .builtInDefault)
        #expect(resolved.sources.secretID == nil)
        #expect(resolved.configFile == nil)
        #expect(resolved.warnings.isEmpty)
    }

    @Test func theFileProfileBeatsDefaults() async throws {
        let home = try TemporaryHome()
        try home.write(Self.profiles)
        let resolved = try await home.resolver().resolve()
        #expect(resolved.profile == "default")
        #expect(resolved.baseURL == "https://file.example/api/v1")
        #expect(resolved.keyPair == KeyPair(secretID: "file-id", secretKey: "file-key"))
        #expect(resolved.sources.baseURL == .configFile(path: home.configFile, key: "base_url"))
        #expect(resolved.sources.secretKey == .configFile(path: home.configFile, key: "secret_key"))
    }

    @Test func theEnvironmentBeatsTheFile() async throws {
        let home = try TemporaryHome()
        try home.write(Self.profiles)
        let resolved = try await home.resolver([
            "COCLICK_SECRET_ID": "env-id", "COCLICK_SECRET_KEY": "env-key",
            "COCLICK_BASE_URL": "http://127.0.0.1:8080/api/v1", "COCLICK_PROFILE": "work",
        ]).resolve()
        #expect(resolved.profile == "work")
        #expect(resolved.sources.profile == .environment("COCLICK_PROFILE"))
        #expect(resolved.baseURL == "http://127.0.0.1:8080/api/v1")
        #expect(resolved.sources.baseURL == .environment("COCLICK_BASE_URL"))
        #expect(resolved.keyPair == KeyPair(secretID: "env-id", secretKey: "env-key"))
        #expect(resolved.sources.secretID == .environment("COCLICK_SECRET_ID"))
        #expect(resolved.sources.secretKey == .environment("COCLICK_SECRET_KEY"))
    }

    @Test func flagsBeatTheEnvironment() async throws {
        let home = try TemporaryHome()
        try home.write(Self.profiles)
        let resolved = try await home.resolver([
            "COCLICK_BASE_URL": "http://127.0.0.1:8080/api/v1", "COCLICK_PROFILE": "default",
        ]).resolve(ConfigurationFlags(profile: "work", baseURL: "https://flag.example/api/v1"))
        #expect(resolved.profile == "work")
        #expect(resolved.sources.profile == .flag("--profile"))
        #expect(resolved.baseURL == "https://flag.example/api/v1")
        #expect(resolved.sources.baseURL == .flag("--base-url"))
        // No key pair in the environment: the selected profile's pair, as a pair.
        #expect(resolved.keyPair == KeyPair(secretID: "work-id", secretKey: "work-key"))
    }

    @Test func theProfileIsSelectedByTheEnvironment() async throws {
        let home = try TemporaryHome()
        try home.write(Self.profiles)
        let resolved = try await home.resolver(["COCLICK_PROFILE": "work"]).resolve()
        #expect(resolved.keyPair?.secretID == "work-id")
        #expect(resolved.baseURL == "https://work.example/api/v1")
    }

    @Test func emptyVariablesCountAsUnset() async throws {
        let home = try TemporaryHome()
        try home.write(Self.profiles)
        let resolved = try await home.resolver([
            "COCLICK_PROFILE": "", "COCLICK_BASE_URL": "", "COCLICK_SECRET_ID": "", "COCLICK_SECRET_KEY": "",
        ]).resolve()
        #expect(resolved.profile == "default")
        #expect(resolved.keyPair?.secretID == "file-id")
    }

    @Test func anEnvironmentKeyNeverPairsWithAFileID() async throws {
        let home = try TemporaryHome()
        try home.write(Self.profiles)
        let keyOnly = await configurationError { _ = try await home.resolver(["COCLICK_SECRET_KEY": "env-key"]).resolve() }
        #expect(keyOnly?.code == .incompleteKeyPair)
        #expect(
            keyOnly?.description
                == "coclick: COCLICK_SECRET_KEY is set but COCLICK_SECRET_ID is not: set both, or neither to use the profile \"default\"")
        #expect(keyOnly.map { !$0.description.contains("env-key") } == true)
        let idOnly = await configurationError { _ = try await home.resolver(["COCLICK_SECRET_ID": "env-id"]).resolve() }
        #expect(idOnly?.code == .incompleteKeyPair)
        #expect(idOnly?.description.contains("COCLICK_SECRET_ID is set but COCLICK_SECRET_KEY is not") == true)
    }

    @Test func aMissingKeyPairIsAnActionableError() async throws {
        let home = try TemporaryHome()
        let resolved = try await home.resolver().resolve()
        let error = configurationError { _ = try resolved.requireKeyPair() }
        #expect(error?.code == .noKeyPair)
        #expect(
            error?.description
                == "coclick: no key pair for profile \"default\": set COCLICK_SECRET_ID and COCLICK_SECRET_KEY, or run coclick auth login")
        let other = try await home.resolver().resolve(ConfigurationFlags(profile: "staging"))
        let otherError = configurationError { _ = try other.requireKeyPair() }
        #expect(
            otherError?.description
                == "coclick: no key pair for profile \"staging\": set COCLICK_SECRET_ID and COCLICK_SECRET_KEY, or run coclick auth login --profile staging"
        )
    }

    @Test func halfAProfilePairIsAnError() async throws {
        let home = try TemporaryHome()
        try home.write("[profiles.default]\nsecret_id = \"only-id\"\n")
        let error = await configurationError { _ = try await home.resolver().resolve() }
        #expect(error?.code == .incompleteKeyPair)
        #expect(
            error?.description
                == "coclick: profile \"default\" in \(home.configFile) has secret_id but neither secret_key nor secret_key_command: run coclick auth login"
        )

        try home.write("[profiles.default]\nsecret_key = \"only-key\"\n")
        let keyOnly = await configurationError { _ = try await home.resolver().resolve() }
        #expect(keyOnly?.code == .incompleteKeyPair)
        #expect(keyOnly?.description.contains("has secret_key but no secret_id") == true)
        #expect(keyOnly?.description.contains("only-key") == false)
    }

    @Test func bothSecretKeyAndCommandIsAnError() async throws {
        let home = try TemporaryHome()
        try home.write("[profiles.default]\nsecret_id = \"i\"\nsecret_key = \"k\"\nsecret_key_command = \"echo k\"\n")
        let error = await configurationError { _ = try await home.resolver().resolve() }
        #expect(error?.code == .invalidValue)
        #expect(error?.description.contains("sets both secret_key and secret_key_command") == true)
    }

    @Test func aBadBaseURLNamesItsSource() async throws {
        let home = try TemporaryHome()
        let error = await configurationError {
            _ = try await home.resolver(["COCLICK_BASE_URL": "www.coclick.io/api/v1"]).resolve()
        }
        #expect(error?.code == .invalidValue)
        #expect(
            error?.description
                == "coclick: invalid base URL \"www.coclick.io/api/v1\" (environment variable COCLICK_BASE_URL): it must look like https://www.coclick.io/api/v1"
        )
    }

    @Test func anEmptyProfileFlagIsAnError() async throws {
        let home = try TemporaryHome()
        let error = await configurationError { _ = try await home.resolver().resolve(ConfigurationFlags(profile: "")) }
        #expect(error?.code == .invalidValue)
    }

    @Test func theSecretKeyCommandSuppliesTheKey() async throws {
        let home = try TemporaryHome()
        try home.write(
            """
            [profiles.default]
            secret_id = "cmd-id"
            secret_key_command = "printf 'from-command\\\\n'"
            """)
        let resolved = try await home.resolver().resolve()
        #expect(resolved.keyPair == KeyPair(secretID: "cmd-id", secretKey: "from-command"))
        #expect(resolved.sources.secretKey == .secretKeyCommand(path: home.configFile))

        // Commands that need no key can leave it unrun.
        try home.write(
            """
            [profiles.default]
            secret_id = "cmd-id"
            secret_key_command = "exit 1"
            """)
        let lazy = try await home.resolver().resolve(runSecretKeyCommand: false)
        #expect(lazy.keyPair == nil)
        #expect(lazy.secretID == "cmd-id")
        #expect(lazy.sources.secretKey == .secretKeyCommand(path: home.configFile))
        let failing = await configurationError { _ = try await home.resolver().resolve() }
        #expect(failing?.code == .secretKeyCommandFailed)
    }

    @Test func aKeyFileReadableByOthersDrawsAWarning() async throws {
        let home = try TemporaryHome()
        let file = try home.write(Self.profiles, mode: 0o644)
        let resolved = try await home.resolver().resolve()
        #expect(resolved.warnings == ["warning: \(file) holds a secret key and is readable by others (chmod 600 it)"])

        try home.write(Self.profiles, mode: 0o640)
        #expect(try await home.resolver().resolve().warnings.count == 1)
        try home.write(Self.profiles, mode: 0o600)
        #expect(try await home.resolver().resolve().warnings.isEmpty)
        // No key in the file, nothing to warn about.
        try home.write("[profiles.default]\nsecret_id = \"i\"\nsecret_key_command = \"echo k\"\n", mode: 0o644)
        #expect(try await home.resolver().resolve(runSecretKeyCommand: false).warnings.isEmpty)
    }

    @Test func theResolvedDescriptionHidesTheKey() async throws {
        let home = try TemporaryHome()
        try home.write(Self.profiles)
        let resolved = try await home.resolver().resolve()
        var dumped = ""
        dump(resolved, to: &dumped)
        #expect(!"\(resolved)".contains("file-key"))
        #expect(!dumped.contains("file-key"))
        #expect(!dumped.contains("work-key"))
    }
}
