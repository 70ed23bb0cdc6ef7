/// An API key pair. The secret key never appears in `description` or `debugDescription`.
public struct Credentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public var secretID: String
    public var secretKey: String

    public init(secretID: String, secretKey: String) {
        self.secretID = secretID
        self.secretKey = secretKey
    }

    public var description: String { "Credentials(secretID: \(secretID), secretKey: \(Redactor.placeholder))" }
    public var debugDescription: String { description }
}

// `dump()` and `Mirror`-based printers walk stored properties; show the key only redacted.
extension Credentials: CustomReflectable {
    public var customMirror: Mirror {
        Mirror(self, children: ["secretID": secretID, "secretKey": Redactor.placeholder])
    }
}
