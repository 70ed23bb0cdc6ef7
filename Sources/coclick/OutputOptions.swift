import ArgumentParser
import CoClickLua
import CoClickRunner

/// `-o/--output FORMAT` of the commands that print results: `eval`, `-e` and `api`.
struct OutputOptions: ParsableArguments {
    @Option(
        name: [.customShort("o"), .customLong("output")],
        help: ArgumentHelp(
            "How results print (--json is -o json); nothing is cut when standard output "
                + "is not a terminal.", valueName: "format"))
    var output: OutputFormat?

    /// `options` with the format set; `-o` and `--json` must agree.
    func applied(to options: RunOptions) throws -> RunOptions {
        var options = options
        if let output {
            if options.json && output != .json {
                throw ValidationError("--json and -o \(output.rawValue) disagree: give one of them")
            }
            options.output = output
        }
        return options
    }
}

extension OutputFormat: ExpressibleByArgument {}
