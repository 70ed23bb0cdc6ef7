import CoClickAPI
import CoClickConfig
import CoClickLua
import Foundation

/// `coclick api METHOD PATH [-f KEY=VALUE]... [--input FILE] [--paginate]`, as `gh api`: run
/// through the same bindings scripts use (`coclick.api.get/post`), so that authentication,
/// retries, redaction and `--dry-run` are theirs.
package struct APIRequest: Sendable, Equatable {
    package enum Method: String, Sendable, CaseIterable {
        case GET, POST
    }

    package var method: Method
    package var path: String
    /// `-f KEY=VALUE`, in order: the query string of a GET (or of a POST with a body from
    /// `--input`), else the fields of the POST's JSON body.
    package var fields: [Field]
    /// The body read by `--input`.
    package var input: JSONValue?
    /// `--paginate`: every page, as one array.
    package var paginate: Bool

    package struct Field: Sendable, Equatable {
        package var key: String
        package var value: String
        package init(key: String, value: String) {
            self.key = key
            self.value = value
        }

        /// `KEY=VALUE` (the value may itself hold `=`); nil without `=` or with an empty key.
        package init?(parsing text: String) {
            guard let eq = text.firstIndex(of: "="), eq != text.startIndex else { return nil }
            key = String(text[..<eq])
            value = String(text[text.index(after: eq)...])
        }
    }

    package init(method: Method, path: String, fields: [Field] = [], input: JSONValue? = nil, paginate: Bool = false) {
        self.method = method
        self.path = path
        self.fields = fields
        self.input = input
        self.paginate = paginate
    }

    /// Why the request cannot be made as given (a usage error), or nil.
    package var usageProblem: String? {
        if paginate && method != .GET { return "--paginate needs GET" }
        if input != nil && method == .GET { return "--input needs POST (a GET has no body)" }
        if method == .POST && input == nil {
            var seen: Set<String> = []
            for field in fields where !seen.insert(field.key).inserted {
                return "-f \(field.key) given twice (it names one field of the JSON body)"
            }
        }
        return nil
    }

    /// `-f` fields as a query string, percent-encoded (brackets too, as Rails reads them).
    var queryString: String? {
        guard !fields.isEmpty else { return nil }
        return fields.map { PercentEncoding.encode($0.key) + "=" + PercentEncoding.encode($0.value) }
            .joined(separator: "&")
    }

    /// The body of a POST: `--input`'s, else the `-f` fields as a JSON object of strings.
    var body: JSONValue? {
        if let input { return input }
        guard !fields.isEmpty else { return nil }
        return .object(Dictionary(fields.map { ($0.key, JSONValue.string($0.value)) }, uniquingKeysWith: { _, last in last }))
    }

    /// Calls `coclick.api.get` or `coclick.api.post` in `state` and renders the reply's body.
    func run(in state: LuaState, format: OutputFormat, whole: Bool) throws -> String {
        let arguments: [JSONValue?]
        switch method {
        case .GET:
            var options: [String: JSONValue] = [:]
            if let queryString { options["query"] = .string(queryString) }
            if paginate { options["paginate"] = .bool(true) }
            arguments = [.string(path), .object(options)]
        case .POST:
            var target = path
            if input != nil, let queryString {
                target += (target.contains("?") ? "&" : "?") + queryString
            }
            arguments = [.string(target), body]
        }
        do {
            return try state.call(
                ["coclick", "api", method == .GET ? "get" : "post"], arguments: arguments,
                output: format, whole: whole)
        } catch var error as LuaError {
            error.traceback = nil  // the chunk is coclick's own: a traceback would show only its call
            throw error
        }
    }
}

extension APIRequest {
    /// Why `--input` could not be read: a usage error.
    package struct InputProblem: Error {
        package var message: String
    }

    /// The JSON body in `path` (`-`: standard input), at most `limit` bytes.
    package static func readBody(from path: String, limit: Int) throws -> JSONValue {
        let name = path == "-" ? "standard input" : path
        let bytes: [UInt8]
        do {
            guard
                let read = try path == "-"
                    ? FileAccess.contents(of: STDIN_FILENO, limit: limit)
                    : FileAccess.contents(of: path, limit: limit)
            else {
                throw InputProblem(message: "--input \(name): no such file")
            }
            bytes = read
        } catch let failure as FileAccess.Failure {
            let reason = failure.errno == EFBIG ? "larger than \(limit / 1024 / 1024) MiB" : failure.message
            throw InputProblem(message: "--input \(name): \(reason)")
        }
        do {
            return try JSONValue.parse(Data(bytes))
        } catch {
            throw InputProblem(message: "--input \(name): not valid JSON")
        }
    }
}
