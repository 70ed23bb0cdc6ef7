import Glibc
import TOMLKit

/// The parsed `config.toml`: its profiles, and what a caller needs to warn about it.
package struct ConfigFile: Sendable, Hashable {
    /// A config file larger than this is refused rather than read into memory.
    static let sizeLimit = 1 << 20

    package var path: String
    package var profiles: [String: ProfileSettings]
    /// The file's permission bits when it was read.
    package var permissions: UInt32

    package init(path: String, profiles: [String: ProfileSettings], permissions: UInt32 = 0o600) {
        self.path = path
        self.profiles = profiles
        self.permissions = permissions
    }

    /// Whether some profile stores a `secret_key` in the file itself.
    package var holdsSecretKey: Bool { profiles.values.contains { $0.secretKey != nil } }

    /// The warning due when the file holds a key and is readable by group or others.
    package var permissionWarning: String? {
        guard holdsSecretKey, permissions & 0o044 != 0 else { return nil }
        return "warning: \(path) holds a secret key and is readable by others (chmod 600 it)"
    }

    /// Reads and parses the file at `path`.
    /// - Parameter home: the home folder, up to which the folders above `path` must be
    ///   writable by their owner only (nil: up to `/`).
    /// - Returns: nil when the file does not exist (an absent file is not an error).
    /// - Throws: ``ConfigurationError`` when it cannot be read, is not a regular file, is
    ///   writable by others (or a folder above it is), is not TOML, or has a value of the
    ///   wrong type.
    package static func load(path: String, home: String? = nil) throws -> ConfigFile? {
        guard let table = try readTable(path: path) else { return nil }
        if let (place, fix) = FileAccess.writableByOthers(path, home: home) {
            let what = place == path ? "" : " (a folder above \(path))"
            throw ConfigurationError(
                .unsafeFile,
                "\(place)\(what) can be written by other users, who could make coclick run a command or send the key elsewhere; refusing to use \(path) until fixed: \(fix)"
            )
        }
        let permissions = FileAccess.permissions(path).map { UInt32($0) } ?? 0o600
        return ConfigFile(path: path, profiles: try profiles(in: table, path: path), permissions: permissions)
    }

    /// The parsed TOML document at `path`, or nil when there is no such file.
    static func readTable(path: String) throws -> TOMLTable? {
        let bytes: [UInt8]
        do {
            guard let read = try FileAccess.contents(of: path, limit: sizeLimit) else { return nil }
            bytes = read
        } catch {
            let reason =
                error.errno == EFBIG
                ? "larger than 1 MiB"
                : error.errno == EINVAL ? "not a regular file (a FIFO or a device?)" : error.message
            throw ConfigurationError(.unreadableFile, "cannot read \(path): \(reason)")
        }
        // TOML is UTF-8 and the parser reads a C string: refuse anything else up front.
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigurationError.malformed(file: path, line: nil, column: nil, reason: "the file is not UTF-8 text")
        }
        if let nul = bytes.firstIndex(of: 0) {
            let line = bytes[..<nul].reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            throw ConfigurationError.malformed(file: path, line: line, column: nil, reason: "a NUL character")
        }
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError.malformed(
                file: path, line: error.source.begin.line, column: error.source.begin.column,
                reason: TOMLErrorText.safeReason(error.description)
            )
        } catch {
            throw ConfigurationError.malformed(file: path, line: nil, column: nil, reason: "unreadable TOML")
        }
    }

    static func profiles(in root: TOMLTable, path: String) throws -> [String: ProfileSettings] {
        guard let node = root["profiles"] else { return [:] }
        guard let table = node.table else {
            throw wrongType(path: path, key: "profiles", expected: "a table of profiles ([profiles.NAME])")
        }
        var profiles: [String: ProfileSettings] = [:]
        for (name, value) in table {
            guard let profile = value.table else {
                throw wrongType(path: path, key: "profiles.\(quotedKey(name))", expected: "a table ([profiles.\(quotedKey(name))])")
            }
            func string(_ key: String) throws -> String? {
                guard let value = profile[key] else { return nil }
                guard let text = value.string else {
                    throw wrongType(path: path, key: "profiles.\(quotedKey(name)).\(key)", expected: "a string")
                }
                return text
            }
            var allowInsecureHTTP = false
            if let value = profile["allow_insecure_http"] {
                guard let flag = value.bool else {
                    throw wrongType(path: path, key: "profiles.\(quotedKey(name)).allow_insecure_http", expected: "true or false")
                }
                allowInsecureHTTP = flag
            }
            profiles[name] = ProfileSettings(
                baseURL: try string("base_url"),
                secretID: try string("secret_id"),
                secretKey: try string("secret_key"),
                secretKeyCommand: try string("secret_key_command"),
                allowInsecureHTTP: allowInsecureHTTP
            )
        }
        return profiles
    }

    private static func wrongType(path: String, key: String, expected: String) -> ConfigurationError {
        ConfigurationError(.invalidValue, "\(path): \(key) must be \(expected)")
    }

    /// A profile name as it would be written in a TOML key: bare when possible, else quoted.
    static func quotedKey(_ name: String) -> String {
        let bare =
            !name.isEmpty
            && name.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
            }
        if bare { return name }
        var quoted = "\""
        for scalar in name.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                quoted +=
                    "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16, uppercase: true)
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }
}
