/// The last configuration layer, used when no flag, variable or profile says otherwise.
public enum ConfigurationDefaults {
    public static let baseURL = "https://www.coclick.io/api/v1"
    public static let profile = "default"
    /// How long `secret_key_command` may run.
    public static let secretKeyCommandTimeout: Duration = .seconds(30)
}

/// The environment variables that make up the second configuration layer.
public enum ConfigurationVariable {
    public static let secretID = "COCLICK_SECRET_ID"
    public static let secretKey = "COCLICK_SECRET_KEY"
    public static let baseURL = "COCLICK_BASE_URL"
    public static let profile = "COCLICK_PROFILE"
}
