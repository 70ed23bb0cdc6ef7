// TEMPORARY: a stand-in for CoClickLua's CoClickBindings (branch `bindings`) with the same
// interface, so the runner can be built and tested before that branch is merged. Deleted at
// the merge.
import CoClickAPI
import CoClickLua

enum CoClickBindings {
    static func install(in state: LuaState, client: @escaping () throws -> CoClickClient) {
        state.register("all", in: "coclick.meetings") { call in
            let c = try TemporaryAPIError.wrap { try client() }
            let items = try TemporaryAPIError.wrap {
                try call.blockingAwait { () async throws -> [JSONValue] in
                    var out: [JSONValue] = []
                    for try await m in c.meetings() { out.append(.object(m.fields)) }
                    return out
                }
            }
            return call.returning(json: .array(items))
        }
        state.register("auth", in: "coclick") { call in
            let c = try TemporaryAPIError.wrap { try client() }
            let token = try TemporaryAPIError.wrap { try call.blockingAwait { try await c.token() } }
            return call.returning(json: .object(["company": .string(token.company), "expires_at": .string(token.expiresAtText)]))
        }
    }
}

struct TemporaryAPIError: LuaErrorConvertible {
    var fields: [String: JSONValue]
    var text: String
    func pushLuaError(_ call: LuaCall) { call.pushErrorTable(fields: fields, description: text) }

    static func wrap<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as CoClickError {
            var fields: [String: JSONValue] = ["kind": .string(error.kind.name), "message": .string(error.message)]
            if let status = error.status { fields["status"] = .integer(Int64(status)) }
            throw TemporaryAPIError(fields: fields, text: error.description)
        } catch let error as LuaInterrupted {
            throw error
        } catch {
            throw TemporaryAPIError(fields: ["kind": .string("configuration"), "message": .string("\(error)")],
                                    text: "\(error)")
        }
    }
}
