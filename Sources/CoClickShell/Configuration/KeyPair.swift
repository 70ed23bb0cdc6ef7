/// A CoClick key pair as configuration resolves it. The lead maps it to
/// `CoClickAPI.Credentials(secretID: pair.secretID, secretKey: pair.secretKey)`.
///
/// `description` and `debugDescription` never show the key, so the pair can be logged,
/// interpolated or dumped by a test failure without leaking it.
public struct KeyPair: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public var secretID: String
    public var secretKey: String

    public init(secretID: String, secretKey: String) {
        self.secretID = secretID
        self.secretKey = secretKey
    }

    public var description: String { "KeyPair(secretID: \(secretID), secretKey: \(Redactor.placeholder))" }
    public var debugDescription: String { description }
}

// `dump()` and `Mirror`-based printers walk stored properties; show them only redacted.
extension KeyPair: CustomReflectable {
    public var customMirror: Mirror {
        Mirror(self, children: ["secretID": secretID, "secretKey": Redactor.placeholder])
    }
}
