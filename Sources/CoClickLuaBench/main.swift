// Measures the two costs the Lua runtime promises to keep low, side by side with a reference:
// a no-op Swift binding against a no-op C lua_CFunction (the binding registered both ways: as a
// @convention(c) function, as the time and csv bindings are, and as a closure, as the meeting
// bindings are), and json.decode against lua-cjson.
import CLuaSupport
import CoClickLua
import Glibc

let state = try LuaState()
if CommandLine.arguments.contains("--leak-check") {
    // 1,000,000 calls of a binding that raises, each caught by pcall: malloc'd bytes before and
    // after (run under --sanitize=address too, where swift-testing's thrown-error cache is absent).
    state.register("boom") { _ in throw LuaArgumentError(argument: 1, expected: "meeting") }
    _ = try state.evaluate("for i = 1, 10000 do pcall(boom, i) end collectgarbage()")
    let before = clua_malloc_in_use()
    _ = try state.evaluate("for i = 1, 1000000 do pcall(boom, i) end collectgarbage()")
    print("1,000,000 raising calls: malloc in use grew by \(clua_malloc_in_use() - before) bytes")
    exit(0)
}
state.register("swift_noop", function: { L, _ in LuaBinding.run(L) { _ in .none } })
state.register("swift_closure_noop") { _ in .none }
state.register("c_noop", cFunction: clua_noop)

func seconds(in state: LuaState, _ code: String) throws -> Double {
    let values = try state.evaluate(code)
    guard case .number(let t)? = values.first?.json else { return .nan }
    return t
}

func loop(_ name: String) -> String {
    """
    local f = \(name)
    local clock = os.clock
    local t0 = clock()
    for i = 1, 1000000 do f() end
    return clock() - t0
    """
}

// Interleave the runs so that both sides see the same machine load.
var swiftBest = Double.infinity, closureBest = Double.infinity, cBest = Double.infinity
for _ in 0..<15 {
    cBest = min(cBest, try seconds(in: state, loop("c_noop")))
    swiftBest = min(swiftBest, try seconds(in: state, loop("swift_noop")))
    closureBest = min(closureBest, try seconds(in: state, loop("swift_closure_noop")))
}

_ = try state.evaluate(
    """
    local users = {"ann@example.com", "bob@example.com", "chloé@example.com", "dan@example.com"}
    local statuses = {"scheduled", "in_progress", "closed", "cancelled"}
    local meetings, size, i = {}, 0, 0
    while size < 1048576 do
      i = i + 1
      local m = {
        id = ("%08x-4c1e-4b7a-9d2f-%012x"):format(i * 2654435761 % 4294967296, i),
        user = users[i % #users + 1], status = statuses[i % #statuses + 1],
        starts_at = coclick.time.format(1700000000 + i * 900, "utc"),
        ends_at = json.null, duration = 30 + i % 60, price = (i % 100) / 4,
        cobrowsing_url = "https://shop.example.com/products/" .. i .. "?ref=coclick",
        presenter_url = "https://www.coclick.io/presenter/" .. i, prospect_url = "https://www.coclick.io/p/" .. i,
        custom_data = {crm_id = "CRM-" .. i, tags = {"vip", "renewal"}, note = "Call back \\"soon\\"\\n"},
        created_at = coclick.time.format(1690000000 + i, "utc"), recorded = i % 3 == 0,
      }
      meetings[i] = m
      size = size + #json.encode(m) + 1
    end
    bench_text = json.encode(meetings)
    cjson = require "cjson"
    """)

let decodeLoop = { (decoder: String) in
    """
    local decode, text = \(decoder), bench_text
    local clock = os.clock
    local t0 = clock()
    for i = 1, 5 do decode(text) end
    return (clock() - t0) / 5
    """
}
var oursBest = Double.infinity, cjsonBest = Double.infinity
for _ in 0..<5 {
    cjsonBest = min(cjsonBest, try seconds(in: state, decodeLoop("cjson.decode")))
    oursBest = min(oursBest, try seconds(in: state, decodeLoop("json.decode")))
}
let textSize = try state.evaluate("return #bench_text").first?.rendered ?? "?"
let count = try state.evaluate("return #json.decode(bench_text)").first?.rendered ?? "?"

func ms(_ t: Double) -> String { String(Int((t * 1_000_000).rounded())).padding(6) + " µs" }
func ratio(_ a: Double, _ b: Double) -> String { String(Int((a / b * 100).rounded())) + "%" }

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

print("benchmark                                   coclick      reference    ratio   target")
print("1,000,000 calls: Swift binding / C function \(ms(swiftBest))  \(ms(cBest))    \(ratio(swiftBest, cBest).padding(5))   <= 130%")
print("  the same binding written as a closure      \(ms(closureBest))  \(ms(cBest))    \(ratio(closureBest, cBest).padding(5))   <= 130%")
print("json.decode 1 MiB (\(count) meetings, \(textSize) bytes) / cjson")
print("                                            \(ms(oursBest))  \(ms(cjsonBest))    \(ratio(oursBest, cjsonBest).padding(5))   <= 200%")
