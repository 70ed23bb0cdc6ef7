/// Splits a command line at the script of `coclick run FILE ARG...`: the arguments after FILE
/// belong to the script, untouched even when they look like options (`run x.lua --foo -v`),
/// so they are kept away from the parser, which would otherwise take `-v` as a global option.
enum ScriptArguments {
    /// The options that take a value before FILE (as a separate word unless written
    /// `--name=value`): the root command's and `run`'s. Written out, since building the
    /// parser's command tree to learn them would cost every start what `optionFreeRun` saves;
    /// `ScriptArgumentsTests` proves the list equal to the parser's.
    static let optionsWithValue: Set<String> = [
        "--profile", "--base-url", "--timeout", "--max-memory", "--max-concurrency", "-e", "-o", "--output", "--state", "--lock", "--lock-wait",
        "--ping", "--report",
    ]

    /// - Returns: the words for the parser (up to and including FILE) and the script's
    ///   arguments (nil when the command is not `run` or no FILE is given).
    static func split(_ words: [String]) -> (parse: [String], script: [String]?) {
        var index = 0
        var inRun = false
        while index < words.count {
            let word = words[index]
            if word == "--" {
                // `run -- FILE ARG...`: the word after the terminator is the file.
                guard inRun, index + 1 < words.count else { return (words, nil) }
                return (Array(words[...(index + 1)]), Array(words[(index + 2)...]))
            }
            if word.hasPrefix("-") && word != "-" {
                if optionsWithValue.contains(word) { index += 1 }
                index += 1
                continue
            }
            if inRun {
                return (Array(words[...index]), Array(words[(index + 1)...]))
            }
            guard word == "run" else { return (words, nil) }
            inRun = true
            index += 1
        }
        return (words, nil)
    }
}
