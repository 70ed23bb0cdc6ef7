import CoClickAPI
import Foundation
import Testing

@testable import CoClickREPL

@Suite("REPL history")
struct REPLHistoryTests {
    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("coclick-history-\(UUID().uuidString)/state/coclick/history").path
    }

    @Test func entriesSurviveAndSecretsAreNotKept() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let history = HistoryFile(path: path)
        history.append("x = 1")
        history.append("key = 'MySeCrEt value'")
        history.append("for i = 1, 3 do\n  print(i) -- a \\ back\nend")
        history.append("   ")
        #expect(history.load() == ["x = 1", "for i = 1, 3 do\n  print(i) -- a \\ back\nend"])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.lowercased().contains("secret"))
        #expect(text.split(separator: "\n").count == 2)  // the multi-line entry is one line
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func entriesHoldingAKnownSecretValueAreNotKept() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let redactor = Redactor(secrets: ["d49f92d49f92"])
        let history = HistoryFile(path: path, redact: { redactor.redact($0) })
        history.append("k = 'd49f92d49f92'")
        history.append("x = 2")
        #expect(history.load() == ["x = 2"])
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("d49f92") == false)
    }

    @Test func anOversizedFileIsReadFromItsTailOnly() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        var history = HistoryFile(path: path)
        history.maxFileBytes = 64
        for i in 1...20 { history.append("entry_\(i) = \(i)") }  // 17 to 18 bytes a line
        let kept = history.load()
        #expect(!kept.isEmpty && kept.count <= 4, "\(kept)")
        #expect(kept.last == "entry_20 = 20")
        #expect(kept.allSatisfy { $0.hasPrefix("entry_") && $0.contains(" = ") }, "no partial first line")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count <= 64, "rewritten without the older entries")
    }

    @Test func sizeIsBounded() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let history = HistoryFile(path: path, limit: 5)
        for i in 1...8 { history.append("x = \(i)") }
        #expect(history.load() == (4...8).map { "x = \($0)" })
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 5)
    }
}
