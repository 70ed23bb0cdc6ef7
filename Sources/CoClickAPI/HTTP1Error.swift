/// A failure of the HTTP/1.1 client itself; `HTTPTransport` words each for the user.
struct HTTP1Error: Error, Hashable, CustomStringConvertible {
    private enum Code: Hashable {
        case remoteConnectionClosed
        case deadlineExceeded
        case shutDown
        case bodyTooLarge
    }

    private let code: Code

    /// The connection closed before the response was complete (and the parser saw nothing wrong).
    static let remoteConnectionClosed = HTTP1Error(code: .remoteConnectionClosed)
    /// The request's deadline passed before its response was read in full.
    static let deadlineExceeded = HTTP1Error(code: .deadlineExceeded)
    /// The client was shut down.
    static let shutDown = HTTP1Error(code: .shutDown)
    /// The body is (or is announced as) larger than the request's limit.
    static let bodyTooLarge = HTTP1Error(code: .bodyTooLarge)

    var description: String {
        switch code {
        case .remoteConnectionClosed: "the connection closed before the response ended"
        case .deadlineExceeded: "deadline exceeded"
        case .shutDown: "the HTTP client is shut down"
        case .bodyTooLarge: "response body too large"
        }
    }
}

/// A failure while the connection was being made (the TCP connection or the TLS set-up): the
/// request was never sent.
struct HTTP1ConnectError: Error, CustomStringConvertible {
    var underlying: any Error
    var description: String { String(describing: underlying) }
}
