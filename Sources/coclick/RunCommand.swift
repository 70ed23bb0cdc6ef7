import ArgumentParser
import CoClickRunner

/// `coclick run FILE [ARG...]`.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a Lua script.",
        discussion: """
            FILE may be - for standard input. A first line starting with # is skipped, so \
            scripts can start with #!/usr/bin/env -S coclick run. The script's arguments are \
            in the global table `arg` (arg[0] is FILE) and in `...`, as lua5.4 sets them; \
            words after FILE go to the script untouched, even when they look like options.
            """
    )

    @OptionGroup var globals: GlobalOptions

    @Argument(
        help: ArgumentHelp("The script to run (- for standard input).", valueName: "file"),
        completion: .file(extensions: ["lua"]))
    var file: String

    /// `main` adds the words after FILE, which it keeps away from the parser (`ScriptArguments`).
    @Argument(help: ArgumentHelp("Arguments passed to the script (words after FILE go to the script untouched).", valueName: "arg"))
    var arguments: [String] = []

    func run() throws {
        let options = globals.runOptions
        throw ExitCode(Program.run(.file(file, arguments: arguments), options: options))
    }
}

/// `coclick eval CODE`.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Run a Lua chunk and print the values it returns.",
        discussion: """
            CODE is tried as `return CODE` first, as the REPL does (coclick eval '1+1' prints 2). \
            Values print one per line: as pp renders them (-o pretty, the default), or in the \
            format -o names. Nothing is cut when standard output is not a terminal. Same as \
            coclick -e CODE.
            """
    )

    @OptionGroup var globals: GlobalOptions
    @OptionGroup var outputOptions: OutputOptions

    @Argument(help: ArgumentHelp("The Lua chunk, e.g. 'return #coclick.meetings.all{}'.", valueName: "code"))
    var code: String

    func run() throws {
        let options = try outputOptions.applied(to: globals.runOptions)
        throw ExitCode(Program.run(.eval(code), options: options))
    }
}
