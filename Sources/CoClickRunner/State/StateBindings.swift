import CoClickAPI
import CoClickLua
import CoClickState
import Foundation

/// `coclick.state.get/set/delete` and `coclick.run.last_success` (SPEC "The Lua API"), over
/// the run's `RunState`.
enum StateBindings {
    /// A key longer than this is refused (keys name things, such as a CSV row; values hold data).
    static let maxKeyBytes = 64 * 1024

    static func install(in state: LuaState, runState: RunState) {
        state.register("get", in: "coclick.state") { call in
            let key = try Self.key(call)
            let namespace = try Self.guarded { try runState.requireNamespace("coclick.state") }
            guard let text = try Self.guarded({ try runState.database().value(namespace: namespace, key: key) }) else {
                call.pushNil()
                return .values(1)
            }
            let value: JSONValue
            do {
                value = try JSONValue.parse(text)
            } catch {
                throw StateBindingError(message: "state database: the value of \"\(key)\" is not valid JSON (edited by hand?)")
            }
            call.push(value, nulls: .jsonNull)
            return .values(1)
        }

        state.register("set", in: "coclick.state") { call in
            let key = try Self.key(call)
            if call.type(2) == .nil || call.type(2) == .none {
                let namespace = try Self.guarded { try runState.requireNamespace("coclick.state") }
                try Self.guarded { try runState.database().deleteValue(namespace: namespace, key: key) }
                return .none
            }
            let text = try call.json(2).jsonText()
            let namespace = try Self.guarded { try runState.requireNamespace("coclick.state") }
            try Self.guarded { try runState.database().setValue(text, namespace: namespace, key: key) }
            return .none
        }

        state.register("delete", in: "coclick.state") { call in
            let key = try Self.key(call)
            let namespace = try Self.guarded { try runState.requireNamespace("coclick.state") }
            try Self.guarded { try runState.database().deleteValue(namespace: namespace, key: key) }
            return .none
        }

        // coclick.run.last_success is a field, read from the database only when a script looks
        // at it: an __index metamethod on coclick.run (raw lookups, as Tab completion does, run
        // nothing).
        state.setIndexMetamethod(of: "coclick.run", name: "coclick.run") { call in
            guard call.type(2) == .string, call.stringValue(2) == "last_success" else {
                call.pushNil()
                return .values(1)
            }
            guard let seconds = try Self.guarded({ try runState.lastSuccess() }) else {
                call.pushNil()
                return .values(1)
            }
            call.push((seconds * 1000).rounded() / 1000)
            return .values(1)
        }
    }

    private static func key(_ call: LuaCall) throws -> String {
        guard call.type(1) == .string, let key = call.stringValue(1) else {
            throw LuaArgumentError(argument: 1, expected: "string")
        }
        guard !key.isEmpty, key.utf8.count <= maxKeyBytes else {
            throw LuaArgumentError(argument: 1, message: "a key is 1 to \(maxKeyBytes) bytes long")
        }
        return key
    }

    /// Runs a database step, its failure raised as an error table of kind "configuration".
    @discardableResult
    static func guarded<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StateDatabaseError {
            throw StateBindingError(message: error.description)
        }
    }
}

/// The state database failed (cannot be created, opened, read or written): raised in Lua as
/// an error table of kind "configuration" (exit status 3 when uncaught), as for a broken
/// configuration file: it will not heal by itself.
struct StateBindingError: Error, LuaErrorConvertible, CustomStringConvertible {
    var message: String
    var description: String { message }

    func pushLuaError(_ call: LuaCall) {
        call.pushErrorTable(
            fields: ["kind": .string("configuration"), "message": .string(message)],
            description: description)
    }
}
