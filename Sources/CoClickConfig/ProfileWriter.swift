import Glibc
import TOMLKit

/// Saves a profile in `config.toml` for `coclick auth login`.
///
/// The file is read, the one profile updated, and the whole document written back: other
/// profiles and other keys (known or not) are kept; comments and formatting are not, since
/// TOMLKit does not keep them. The file is written atomically with mode 0600 (a temporary
/// file in the same directory, then a rename); missing directories are created 0700. When
/// `config.toml` is a symbolic link, the file it points to is replaced, not the link.
package enum ProfileWriter {
    /// What happened to the secret key.
    package enum KeyStorage: Sendable, Hashable {
        /// `secret_key` was written to the file.
        case storedInFile
        /// The profile gets its key from `secret_key_command`, which is kept; the key was not written.
        case keptSecretKeyCommand
    }

    /// Stores `secret_id` and `secret_key` (or keeps `secret_key_command`, see ``KeyStorage``)
    /// and, when given, `base_url` in `[profiles.<profile>]` of the file at `path`.
    /// - Throws: ``ConfigurationError``: the existing file is malformed (it is then left
    ///   alone), or the file or its directory cannot be written.
    @discardableResult
    package static func save(
        profile: String, keyPair: KeyPair, baseURL: String? = nil, to path: String
    ) throws -> KeyStorage {
        guard !profile.isEmpty else { throw ConfigurationError(.invalidValue, "a profile name cannot be empty") }
        guard !keyPair.secretID.isEmpty, !keyPair.secretKey.isEmpty else {
            throw ConfigurationError(.incompleteKeyPair, "both a secret ID and a secret key are needed to save profile \"\(profile)\"")
        }
        let normalizedBaseURL = try baseURL.map { try BaseURL.normalized($0, source: .flag("--base-url")) }
        let target = resolvingSymlink(path)

        let root = try ConfigFile.readTable(path: target) ?? TOMLTable()
        // Validates the types of every profile, so that a broken file is reported, not rewritten.
        let existing = try ConfigFile.profiles(in: root, path: target)

        if root["profiles"] == nil { root["profiles"] = TOMLTable() }
        // Inserting copies a table: mutate the copies that now live in the document.
        guard let profiles = root["profiles"]?.table else {
            throw ConfigurationError(.invalidValue, "\(target): profiles must be a table of profiles ([profiles.NAME])")
        }
        if profiles[profile] == nil { profiles[profile] = TOMLTable() }
        guard let table = profiles[profile]?.table else {
            throw ConfigurationError(.invalidValue, "\(target): profiles.\(ConfigFile.quotedKey(profile)) must be a table")
        }

        table["secret_id"] = keyPair.secretID
        let storage: KeyStorage
        if let command = existing[profile]?.secretKeyCommand, !command.isEmpty {
            // The secret manager stays the one place holding the key; a stale copy would
            // make the profile ambiguous (both keys set), so drop it.
            table.remove(at: "secret_key")
            storage = .keptSecretKeyCommand
        } else {
            table["secret_key"] = keyPair.secretKey
            storage = .storedInFile
        }
        if let normalizedBaseURL { table["base_url"] = normalizedBaseURL }

        let text = root.convert(to: .toml, options: [.allowUnicodeStrings, .allowMultilineStrings]) + "\n"
        let directory = target.lastIndex(of: "/").map { String(target[..<$0]) } ?? "."
        do {
            if !directory.isEmpty { try FileAccess.makeDirectories(directory, mode: 0o700) }
        } catch {
            throw ConfigurationError(.unwritableFile, "cannot create \(directory): \(error.message)")
        }
        do {
            try FileAccess.writeAtomically(Array(text.utf8), to: target, mode: 0o600)
        } catch {
            throw ConfigurationError(.unwritableFile, "cannot write \(target): \(error.message)")
        }
        return storage
    }

    /// The file a symbolic link at `path` points to, or `path` itself.
    private static func resolvingSymlink(_ path: String) -> String {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK,
            let resolved = realpath(path, nil)
        else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
