import Foundation
import Testing

/// The compiled prelude kept in the cache folder: written once (mode 0600, folder 0700), used by
/// later runs, and never read when it could hold someone else's code: a link, or a file others
/// may write, is replaced by a fresh dump and the run goes on as usual.
@Suite("Compiled prelude file")
struct CompiledPreludeFileTests {
    func preludeFiles(_ home: IsolatedHome) -> [String] {
        let folder = home.cacheHome.appendingPathComponent("coclick").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasPrefix("prelude-") }.map { folder + "/" + $0 }
    }

    func mode(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    @Test func writtenOnceThenUsedAndNeverTrustedWhenOthersCouldWriteIt() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let environment = home.environment()
        var run = try await BinaryRun.coclickOffPool(["eval", "return 6 * 7"], environment: environment)
        #expect(run.status == 0 && run.stdout == "42\n", "\(run.summary)")
        let file = try #require(preludeFiles(home).first, "no compiled prelude written")
        #expect(preludeFiles(home).count == 1)
        #expect(try mode(file) == 0o600)
        #expect(try mode(home.cacheHome.appendingPathComponent("coclick").path) == 0o700)
        let written = try Data(contentsOf: URL(fileURLWithPath: file))

        // Used as it is: the next run neither fails nor rewrites it.
        let before = try FileManager.default.attributesOfItem(atPath: file)[.modificationDate] as? Date
        run = try await BinaryRun.coclickOffPool(["eval", "pp({a = 1})"], environment: environment)
        #expect(run.status == 0 && run.stdout == "{a = 1}\n", "\(run.summary)")
        #expect(try FileManager.default.attributesOfItem(atPath: file)[.modificationDate] as? Date == before)

        // Writable by others: not read, replaced.
        #expect(chmod(file, 0o666) == 0)
        run = try await BinaryRun.coclickOffPool(["eval", "return 1"], environment: environment)
        #expect(run.status == 0, "\(run.summary)")
        #expect(try mode(file) == 0o600)

        // A link in its place: not followed, the link itself replaced, its target untouched.
        let elsewhere = home.root.appendingPathComponent("elsewhere").path
        try written.write(to: URL(fileURLWithPath: elsewhere))
        try FileManager.default.removeItem(atPath: file)
        try FileManager.default.createSymbolicLink(atPath: file, withDestinationPath: elsewhere)
        run = try await BinaryRun.coclickOffPool(["eval", "return 1"], environment: environment)
        #expect(run.status == 0, "\(run.summary)")
        #expect(try FileManager.default.attributesOfItem(atPath: file)[.type] as? FileAttributeType == .typeRegular)
        #expect(try Data(contentsOf: URL(fileURLWithPath: elsewhere)) == written)

        // Garbage in its place: compiled again, the run unaffected.
        try Data("not a dump".utf8).write(to: URL(fileURLWithPath: file))
        run = try await BinaryRun.coclickOffPool(["eval", "coclick.tabulate(5)"], environment: environment)
        #expect(run.status == 1, "\(run.summary)")
        #expect(run.stderr.contains("CoClickLua/Prelude/prelude.lua:"), "\(run.summary)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == written)
    }

    /// A cache folder that cannot be written (a read-only home): every run compiles, none fails.
    @Test func anUnwritableCacheFolderOnlyCostsTheCompile() async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        try Data("a file where the cache folder should be".utf8).write(to: home.cacheHome)
        let run = try await BinaryRun.coclickOffPool(["eval", "return 6 * 7"], environment: home.environment())
        #expect(run.status == 0 && run.stdout == "42\n", "\(run.summary)")
        #expect(preludeFiles(home).isEmpty)
    }
}
