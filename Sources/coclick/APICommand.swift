import ArgumentParser
import CoClickRunner

/// `coclick api METHOD PATH [-f KEY=VALUE]... [--input FILE] [--paginate]`.
struct APICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Call any endpoint under the base URL, as gh api does.",
        discussion: """
            The run's authentication, retries (GET only) and redaction apply; PATH is relative \
            to the base URL (an absolute URL elsewhere is refused: the token never leaves the \
            base URL). Prints the reply's JSON body (-o json by default). -f adds a field: to \
            the query string of a GET, to the JSON body of a POST (to its query string when \
            --input gives the body). --paginate follows X-Page until a short page and prints \
            every item as one array. With --dry-run a POST is checked and logged, not sent.
            """
    )

    @OptionGroup var globals: GlobalOptions
    @OptionGroup var outputOptions: OutputOptions

    @Argument(help: ArgumentHelp("GET or POST.", valueName: "method"))
    var method: String

    @Argument(help: ArgumentHelp("The endpoint, relative to the base URL, e.g. /meetings.", valueName: "path"))
    var path: String

    @Option(name: .customShort("f"), help: ArgumentHelp("A field KEY=VALUE (repeatable).", valueName: "key=value"))
    var fields: [String] = []

    @Option(
        help: ArgumentHelp("Read the request body (JSON) from FILE, or - for standard input.", valueName: "file"),
        completion: .file())
    var input: String?

    @Flag(help: "Follow X-Page until a short page; print every item as one array.")
    var paginate = false

    /// Largest body `--input` reads (the client's own cap on a response).
    static let maxInputBytes = 32 * 1024 * 1024

    func run() throws {
        let options = try outputOptions.applied(to: globals.runOptions)
        guard let method = APIRequest.Method(rawValue: method.uppercased()) else {
            throw ValidationError("METHOD must be GET or POST, got \(method.debugDescription)")
        }
        var parsed: [APIRequest.Field] = []
        for text in fields {
            guard let field = APIRequest.Field(parsing: text) else {
                throw ValidationError("-f wants KEY=VALUE, got \(text.debugDescription)")
            }
            parsed.append(field)
        }
        var request = APIRequest(method: method, path: path, fields: parsed, paginate: paginate)
        if let input {
            do {
                request.input = try APIRequest.readBody(from: input, limit: Self.maxInputBytes)
            } catch let problem as APIRequest.InputProblem {
                throw ValidationError(problem.message)
            }
        }
        if let problem = request.usageProblem { throw ValidationError(problem) }
        throw ExitCode(Runner.run(.api(request), options: options, deadline: Program.deadline(options), version: Program.version))
    }
}
