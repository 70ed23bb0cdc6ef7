import CoClickAPI
import CoClickSandboxTesting
import Testing

@testable import CoClickLua

@Suite struct BindingsListingTests {
    @Test func listReturnsAPageAndPagingInfo() async throws {
        try await withBindings(meetings: 60) { h in
            let state = try h.makeState()
            let first = try run(
                """
                local ms, info = coclick.meetings.list{per = 25}
                local m = ms[1]
                return #ms, info.page, info.per, info.count, info.next,
                       #m.id, m.id:match('^%x+$') ~= nil, type(m.user), type(m.status), type(m.starts_at),
                       m.token, json.encode(select(1, coclick.meetings.list{page = 9, per = 25}))
                """, state)
            h.check {
                #expect(
                    first == [
                        .integer(25), .integer(1), .integer(25), .integer(25), .integer(2),
                        .integer(64), .bool(true), .string("string"), .string("string"), .string("string"),
                        .null, .string("[]"),
                    ])
            }
            let last = try run(
                """
                local ms, info = coclick.meetings.list{page = 3, per = 25}
                return #ms, info.page, info.count, info.next, info.next == nil
                """, state)
            h.check { #expect(last == [.integer(10), .integer(3), .integer(10), .null, .bool(true)]) }
            let defaults = try run("local ms, info = coclick.meetings.list() return #ms, info.per, info.next", state)
            h.check { #expect(defaults == [.integer(20), .integer(20), .integer(2)]) }
        }
    }

    @Test func qFiltersAsATableOrAString() async throws {
        try await withBindings(meetings: 60) { h in
            let state = try h.makeState()
            let user = try #require(h.server.presenters.first)
            setGlobal(state, "USER", .string(user))
            let result = try run(
                """
                local mine = coclick.meetings.all{q = {user = USER}}
                local same = 0
                for _, m in ipairs(mine) do if m.user:lower() == USER:lower() then same = same + 1 end end
                local expected = 0
                for _, m in ipairs(coclick.meetings.all{}) do if m.user:lower() == USER:lower() then expected = expected + 1 end end
                local closed = coclick.meetings.list{q = "closed", per = 100}
                local allClosed = true
                for _, m in ipairs(closed) do allClosed = allClosed and m.status == "closed" end
                return #mine, same, expected, #closed > 0, allClosed
                """, state)
            let count = try #require(result.first??.intValue)
            h.check { #expect(count > 0 && count < 60) }
            h.check { #expect(result == [.integer(Int64(count)), .integer(Int64(count)), .integer(Int64(count)), .bool(true), .bool(true)]) }
        }
    }

    @Test func eachYieldsEveryMeetingAndHonoursLimit() async throws {
        try await withBindings(meetings: 60) { h in
            let state = try h.makeState()
            let result = try run(
                """
                local n, ids = 0, {}
                for m in coclick.meetings.each{per = 7} do n = n + 1 ids[m.id] = true end
                local distinct = 0
                for _ in pairs(ids) do distinct = distinct + 1 end
                local limited = 0
                for m in coclick.meetings.each{per = 5, limit = 12} do limited = limited + 1 end
                local none = 0
                for m in coclick.meetings.each{limit = 0} do none = none + 1 end
                return n, distinct, limited, none
                """, state)
            h.check { #expect(result == [.integer(60), .integer(60), .integer(12), .integer(0)]) }
        }
    }

    /// concurrency=1: one page in memory, the next read ahead; the loop never runs more than
    /// one page ahead of the script, and `break` stops the reading.
    @Test func eachWithConcurrencyOneStreamsPageByPage() async throws {
        try await withBindings(meetings: 200) { h in
            let state = try h.makeState()
            let result = try run(
                """
                local n, ahead = 0, 0
                for m in coclick.meetings.each{per = 10, concurrency = 1} do
                  n = n + 1
                  ahead = math.max(ahead, list_requests() - math.ceil(n / 10))
                end
                local before = list_requests()
                local seen = 0
                for m in coclick.meetings.each{per = 10, concurrency = 1} do
                  seen = seen + 1
                  if seen == 15 then break end
                end
                collectgarbage()
                return n, ahead, before, list_requests() - before
                """, state)
            h.check { #expect(result[0] == .integer(200)) }
            let ahead = try #require(result[1]?.intValue)
            h.check { #expect(ahead <= 1, "fetched \(ahead) pages ahead of the script") }
            h.check { #expect(result[2] == .integer(21)) }  // 20 full pages and the empty one that ends the list
            let afterBreak = try #require(result[3]?.intValue)
            h.check { #expect(afterBreak >= 2 && afterBreak <= 3, "a loop broken on page 2 made \(afterBreak) list requests") }
        }
    }

    /// The read-ahead, waited for as states: while the loop holds the first meeting of page 1
    /// the sandbox receives the request for page 2 (concurrency=1) or for pages 2 and 3 (the
    /// window doubles after a full page); at page 2's first, up to page 3, or pages 4 to 6.
    /// Without the read-ahead `lists_reach` never sees those counts and returns false.
    @Test(arguments: [1, 8])
    func eachRequestsPagesWhileTheLoopHoldsOne(concurrency: Int) async throws {
        try await withBindings(meetings: 200) { h in
            let state = try h.makeState()
            let server = h.server
            state.register("lists_reach") { call in
                let count = Int(try call.integer(1))
                let reached = try call.blockingAwait {
                    await waitUntil { server.stats.requests - server.stats.authentications == count }
                }
                call.push(reached)
                return .values(1)
            }
            let (first, second) = concurrency == 1 ? (2, 3) : (3, 6)
            let result = try run(
                """
                local n, reached = 0, {}
                for m in coclick.meetings.each{per = 10, concurrency = \(concurrency)} do
                  n = n + 1
                  if n == 1 then reached[1] = lists_reach(\(first)) end
                  if n == 11 then reached[2] = lists_reach(\(second)) end
                end
                return n, reached[1], reached[2]
                """, state)
            h.check { #expect(result == [.integer(200), .bool(true), .bool(true)], "\(server.stats)") }
            if concurrency == 1 { h.check { #expect(server.stats.mostListsInFlight == 1, "\(server.stats)") } }
        }
    }

    /// By default a window of pages is read ahead, never more than 8 beyond the script's page,
    /// and the meetings come in the same order as one page at a time.
    @Test func eachReadsAWindowOfPagesAhead() async throws {
        try await withBindings(meetings: 200, faults: "latency=10ms") { h in
            let state = try h.makeState()
            let result = try run(
                """
                local n, ahead, ids = 0, 0, {}
                for m in coclick.meetings.each{per = 10} do
                  n = n + 1
                  ids[n] = m.id
                  ahead = math.max(ahead, list_requests() - math.ceil(n / 10))
                end
                local same = true
                for i, m in ipairs(coclick.meetings.all{per = 10, concurrency = 1}) do same = same and ids[i] == m.id end
                return n, ahead, same
                """, state)
            h.check { #expect(result[0] == .integer(200)) }
            let ahead = try #require(result[1]?.intValue)
            h.check { #expect(ahead <= 8, "fetched \(ahead) pages ahead of the script") }
            h.check { #expect(result[2] == .bool(true)) }
            h.check { #expect(h.server.stats.mostListsInFlight > 1, "\(h.server.stats)") }
        }
    }

    @Test func eachAndAllWithFullYieldFullMeetings() async throws {
        try await withBindings(meetings: 30) { h in
            let state = try h.makeState()
            let result = try run(
                """
                local function full(m)
                  return m.id == m.token and type(m.cobrowsing_url) == "string"
                     and type(m.presenter_room_url) == "string" and type(m.prospect_room_url) == "string"
                     and type(m.cobrowsing_cookies_data) == "table"
                end
                local n, ok, order = 0, true, {}
                for m in coclick.meetings.each{per = 4, limit = 10, full = true} do
                  n = n + 1 ok = ok and full(m) order[n] = m.id
                end
                local summaries = coclick.meetings.all{per = 4, limit = 10}
                local sameOrder = #summaries == 10
                for i, s in ipairs(summaries) do sameOrder = sameOrder and order[i] == s.id end
                local all = coclick.meetings.all{full = true, per = 7}
                local allOk = true
                for _, m in ipairs(all) do allOk = allOk and full(m) end
                return n, ok, sameOrder, #all, allOk, summaries[1].presenter_room_url == nil
                """, state)
            h.check { #expect(result == [.integer(10), .bool(true), .bool(true), .integer(30), .bool(true), .bool(true)]) }
            // One detail request per meeting yielded, none for meetings past the limit.
            h.check { #expect(h.trace.filter { $0.method == "GET" && $0.url.contains("/meetings/") }.count == 40) }
        }
    }

    @Test func allReturnsEveryMeeting() async throws {
        try await withBindings(meetings: 45) { h in
            let state = try h.makeState()
            let result = try run(
                """
                local all = coclick.meetings.all{per = 10}
                return #all, json.encode(coclick.meetings.all{limit = 0}), #coclick.meetings.all{limit = 11}
                """, state)
            h.check { #expect(result == [.integer(45), .string("[]"), .integer(11)]) }
        }
    }
}

extension JSONValue {
    var intValue: Int? { if case .integer(let i) = self { Int(i) } else { nil } }
}
