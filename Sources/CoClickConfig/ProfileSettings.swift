import CoClickAPI

/// One `[profiles.NAME]` table of `config.toml`. Every key is optional; unknown keys are ignored.
package struct ProfileSettings: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    package var baseURL: String?
    package var secretID: String?
    /// The key stored in the file; `description` never shows it.
    package var secretKey: String?
    /// A shell command whose standard output is the key.
    package var secretKeyCommand: String?
    /// `allow_insecure_http = true`: a plain `http://` base URL to a host other than loopback.
    package var allowInsecureHTTP: Bool

    package init(
        baseURL: String? = nil, secretID: String? = nil, secretKey: String? = nil, secretKeyCommand: String? = nil,
        allowInsecureHTTP: Bool = false
    ) {
        self.baseURL = baseURL
        self.secretID = secretID
        self.secretKey = secretKey
        self.secretKeyCommand = secretKeyCommand
        self.allowInsecureHTTP = allowInsecureHTTP
    }

    package var description: String {
        var parts: [String] = []
        if let baseURL { parts.append("base_url: \(baseURL)") }
        if let secretID { parts.append("secret_id: \(secretID)") }
        if secretKey != nil { parts.append("secret_key: \(Redactor.placeholder)") }
        if let secretKeyCommand { parts.append("secret_key_command: \(secretKeyCommand)") }
        if allowInsecureHTTP { parts.append("allow_insecure_http: true") }
        return "ProfileSettings(\(parts.joined(separator: ", ")))"
    }
    package var debugDescription: String { description }
}

extension ProfileSettings: CustomReflectable {
    package var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "baseURL": baseURL as Any, "secretID": secretID as Any,
                "secretKey": (secretKey == nil ? nil : Redactor.placeholder) as Any,
                "secretKeyCommand": secretKeyCommand as Any, "allowInsecureHTTP": allowInsecureHTTP,
            ])
    }
}
