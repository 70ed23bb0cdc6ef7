import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The error path of a binding leaks nothing: a Swift binding's argument error is raised by C
/// after the Swift frame is gone, so nothing the frame held can be stranded by the longjmp.
/// Measured in a `coclick` process of its own, whose RSS no other test shares.
@Suite struct ErrorPathMemoryTests {
    @Test func aMillionCaughtBindingErrorsLeaveMemoryFlat() throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        // coclick.meetings.get(number) raises "bad argument #1 to 'get'" before any request,
        // so no key pair and no server are needed.
        let script = """
            local function rss_pages()
              local f = assert(io.open("/proc/self/statm"))
              local _, resident = f:read("n", "n")
              f:close()
              return resident
            end
            local pcall, get = pcall, coclick.meetings.get
            local function burst(n)
              local caught = 0
              for i = 1, n do
                local ok, err = pcall(get, i)
                if not ok and tostring(err):find("bad argument #1 to 'coclick.meetings.get'", 1, true) then caught = caught + 1 end
              end
              collectgarbage() collectgarbage()
              return caught
            end
            burst(50000)  -- warm up: caches, arenas, interned strings
            local heap_before, rss_before = collectgarbage("count"), rss_pages()
            local caught = burst(1000000)
            return caught, rss_pages() - rss_before, collectgarbage("count") - heap_before
            """
        let run = try BinaryRun.coclick(["eval", script], environment: home.environment(), timeout: .seconds(240))
        #expect(run.status == 0, "\(run.summary)")
        let values = run.stdout.split(whereSeparator: \.isNewline).map(String.init)
        try #require(values.count == 3, "\(run.summary)")
        #expect(values[0] == "1000000", "every call raised and was caught")
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let rssGrowth = (Int(values[1]) ?? .max) * pageSize
        let heapGrowthKB = Double(values[2]) ?? .infinity
        // A leak of even 16 bytes a call would be 16 MB here.
        #expect(rssGrowth < 8 << 20, "RSS grew by \(rssGrowth) bytes over 1,000,000 raising calls")
        #expect(heapGrowthKB < 64, "the Lua heap grew by \(heapGrowthKB) KiB")
    }
}
