import CoClickAPI

/// API failures reach Lua as error tables: `kind` (SPEC's names), `status` (when there was an
/// HTTP response), `message`, and for validation `errors` (field -> array of messages). The
/// metatable's `__tostring` gives `CoClick 422: user: User must exist; ...`.
extension CoClickError: LuaErrorConvertible {
    public func pushLuaError(_ call: LuaCall) {
        call.pushErrorTable(
            fields: BindingError.fields(
                kind: kind.name, status: status, message: message,
                errors: validationErrors),
            description: description)
    }
}

/// An error of the bindings themselves, raised as the same kind of table.
struct BindingError: Error, LuaErrorConvertible, CustomStringConvertible {
    /// "configuration": the client factory failed (no key pair, unreadable config, ...).
    var kind: String
    var message: String

    static func configuration(_ error: any Error) -> BindingError {
        BindingError(kind: "configuration", message: String(describing: error))
    }

    var description: String { "CoClick \(kind): \(message)" }

    func pushLuaError(_ call: LuaCall) {
        call.pushErrorTable(
            fields: Self.fields(kind: kind, status: nil, message: message, errors: [:]),
            description: description)
    }

    static func fields(kind: String, status: Int?, message: String, errors: [String: [String]]) -> [String: JSONValue] {
        var fields: [String: JSONValue] = ["kind": .string(kind), "message": .string(message)]
        if let status { fields["status"] = .integer(Int64(status)) }
        if !errors.isEmpty {
            fields["errors"] = .object(errors.mapValues { .array($0.map(JSONValue.string)) })
        }
        return fields
    }
}

/// Where the bindings get the client at each API call: the host's factory, which makes it
/// once and keeps it (the runner's `ClientProvider` is the one cache). A factory's error is
/// raised as a configuration error; the next call asks again (the host may have fixed its
/// configuration). Used on the Lua thread only.
struct ClientSource {
    private let factory: () throws -> CoClickClient

    init(_ factory: @escaping () throws -> CoClickClient) { self.factory = factory }

    func get() throws -> CoClickClient {
        do {
            return try factory()
        } catch {
            throw BindingError.configuration(error)
        }
    }
}
