/// The last configuration layer, used when no flag, variable or profile says otherwise.
package enum ConfigurationDefaults {
    package static let baseURL = "https://www.coclick.io/api/v1"
    package static let profile = "default"
    /// How long `secret_key_command` may run.
    package static let secretKeyCommandTimeout: Duration = .seconds(30)
}

/// The environment variables that make up the second configuration layer.
package enum ConfigurationVariable {
    package static let secretID = "COCLICK_SECRET_ID"
    package static let secretKey = "COCLICK_SECRET_KEY"
    package static let baseURL = "COCLICK_BASE_URL"
    package static let profile = "COCLICK_PROFILE"
}
