import Foundation
import Testing

@testable import coclick

/// `ScriptArguments` keeps the words after `run FILE` away from the parser: it must know which
/// options take a value as the parser does, or a value would be taken for FILE.
@Suite struct ScriptArgumentsTests {
    @Test func theValueTakingOptionsAreTheParsers() throws {
        let tool = try #require(try JSONSerialization.jsonObject(with: Data(CoClickCommand._dumpHelp().utf8)) as? [String: Any])
        let root = try #require(tool["command"] as? [String: Any])
        let subcommands = root["subcommands"] as? [[String: Any]] ?? []
        let run = try #require(subcommands.first { $0["commandName"] as? String == "run" })
        // Options before FILE may be the root command's or `run`'s.
        var parsers: Set<String> = []
        for command in [root, run] {
            for argument in command["arguments"] as? [[String: Any]] ?? [] where argument["kind"] as? String == "option" {
                for name in argument["names"] as? [[String: Any]] ?? [] {
                    let text = try #require(name["name"] as? String)
                    parsers.insert((name["kind"] as? String == "long" ? "--" : "-") + text)
                }
            }
        }
        #expect(parsers.contains("--profile") && parsers.contains("-e"))
        #expect(ScriptArguments.optionsWithValue == parsers)
    }

    @Test func theWordsAfterFileGoToTheScript() {
        #expect(
            ScriptArguments.split(["--profile", "run", "run", "x.lua", "-v", "--timeout", "3"])
                == (["--profile", "run", "run", "x.lua"], ["-v", "--timeout", "3"]))
        #expect(ScriptArguments.split(["-v", "run", "--", "-x.lua", "--lock"]) == (["-v", "run", "--", "-x.lua"], ["--lock"]))
        #expect(ScriptArguments.split(["eval", "return 1"]) == (["eval", "return 1"], nil))
        #expect(ScriptArguments.split(["run"]) == (["run"], nil))
    }
}
