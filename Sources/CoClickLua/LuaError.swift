import CoClickAPI

/// A Lua error seen by the host: a chunk that did not load or a call that raised.
///
/// `message` is the error value as text (a string, or the `__tostring` of a table), without the
/// traceback; `traceback` is Lua's stack traceback when there was one. When the error value was a
/// table (an API error), `fields` holds its fields (`kind`, `status`, `message`, `errors`).
public struct LuaError: Error, CustomStringConvertible, Sendable {
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Code: Hashable, Sendable { case syntax, runtime, memory, handler, file, interrupted }
        fileprivate let code: Code
        /// A chunk that did not compile. Incomplete input ends with `<eof>`.
        public static let syntax = Kind(code: .syntax)
        public static let runtime = Kind(code: .runtime)
        /// "not enough memory": the `--max-memory` cap or the system.
        public static let memory = Kind(code: .memory)
        /// An error inside the message handler.
        public static let errorHandler = Kind(code: .handler)
        /// A script file that could not be read.
        public static let file = Kind(code: .file)
        /// Ctrl-C (`clua_request_interrupt`) stopped the chunk.
        public static let interrupted = Kind(code: .interrupted)
        public var description: String { "\(code)" }
    }

    public var kind: Kind
    public var message: String
    public var traceback: String?
    public var fields: [String: JSONValue]?

    public init(kind: Kind, message: String, traceback: String? = nil, fields: [String: JSONValue]? = nil) {
        self.kind = kind
        self.message = message
        self.traceback = traceback
        self.fields = fields
    }

    /// True for a syntax error that only says the input ended too soon (the REPL continues).
    public var isIncompleteInput: Bool { kind == .syntax && message.hasSuffix("<eof>") }

    public var description: String {
        if let traceback { return message + "\n" + traceback }
        return message
    }
}

/// Thrown by a binding to raise `message` as a Lua error, prefixed with the caller's position.
public struct LuaScriptError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Thrown by a binding for a bad argument: raised by the C trampoline as Lua words them,
/// `bad argument #1 to 'get' (string expected, got number)`.
public struct LuaArgumentError: Error, CustomStringConvertible, Sendable {
    public var argument: Int32
    public var message: String
    /// When set, `message` is ignored and the error reads "<expected> expected, got <actual type>".
    public var expectedType: String?

    public init(argument: Int32, message: String) {
        self.argument = argument
        self.message = message
        self.expectedType = nil
    }

    public init(argument: Int32, expected: String) {
        self.argument = argument
        self.message = ""
        self.expectedType = expected
    }

    public var description: String { "bad argument #\(argument) (\(expectedType.map { "\($0) expected" } ?? message))" }
}

/// An error a binding raises as a Lua value of its own making (usually a table): `push` leaves
/// exactly one value on the stack. CoClick API errors conform (in the bindings that raise them).
public protocol LuaErrorConvertible: Error {
    func pushLuaError(_ call: LuaCall)
}

/// Thrown by `blockingAwait` when Ctrl-C interrupted the wait; raised as "interrupted!".
public struct LuaInterrupted: Error, CustomStringConvertible, Sendable {
    public init() {}
    public var description: String { "interrupted!" }
}
