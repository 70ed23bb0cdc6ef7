import CoClickAPI

/// A key pair as configuration resolves it: the API core's `Credentials`, so that one type
/// (which redacts its key in `description`, `debugDescription` and `dump`) serves from the
/// config file to the client.
package typealias KeyPair = Credentials
