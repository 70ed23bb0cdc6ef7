import CoClickAPI
import Testing

@testable import CoClickLua

@Suite struct BindingsMeetingTests {
    @Test func getReturnsTheFullMeeting() async throws {
        try await withBindings(meetings: 40) { h in
            let state = try h.makeState()
            let result = try run(
                """
                local id = coclick.meetings.list{per = 1}[1].id
                local m = coclick.meetings.get(id)
                local hasNull = false
                for k, v in pairs(m) do if v == json.null then hasNull = true end end
                return m.id == id, m.token == id, type(m.presenter_room_url), type(m.custom_data),
                       json.encode(m.cobrowsing_cookies_data):sub(1, 1), hasNull, m.duration == nil or m.status == "closed"
                """, state)
            h.check {
                #expect(
                    result == [
                        .bool(true), .bool(true), .string("string"), .string("table"), .string("["),
                        .bool(false), .bool(true),
                    ])
            }
            // A scheduled meeting's null duration is an absent field.
            let scheduled = try run(
                """
                for m in coclick.meetings.each{q = {status = "scheduled"}, full = true, limit = 1} do
                  local f = {} for k in pairs(m) do f[#f + 1] = k end
                  return m.duration, m.status, #f > 8
                end
                """, state)
            h.check { #expect(scheduled == [.null, .string("scheduled"), .bool(true)]) }
        }
    }

    @Test func getOfAnUnknownIdRaisesANotFoundTable() async throws {
        try await withBindings(meetings: 5) { h in
            let state = try h.makeState()
            let result = try run(
                """
                local ok, err = pcall(coclick.meetings.get, string.rep("0", 64))
                return ok, type(err), err.kind, err.status, type(err.message), tostring(err):sub(1, 13),
                       getmetatable(err).__name
                """, state)
            h.check {
                #expect(
                    result == [
                        .bool(false), .string("table"), .string("not_found"), .integer(404), .string("string"),
                        .string("CoClick 404: "), .string("coclick.error"),
                    ])
            }
            // Uncaught, the host sees the table's fields.
            do {
                _ = try state.evaluate("coclick.meetings.get('nope')")
                h.check { Issue.record("expected an error") }
            } catch let error as LuaError {
                h.check { #expect(error.fields?["kind"] == .string("not_found")) }
                h.check { #expect(error.fields?["status"] == .integer(404)) }
                h.check { #expect(error.message.hasPrefix("CoClick 404: ")) }
            }
        }
    }

    @Test func getManyKeepsTheOrderAndBoundsConcurrency() async throws {
        try await withBindings(meetings: 24, faults: "latency=40ms") { h in
            let state = try h.makeState()
            let result = try run(
                """
                local ids = {}
                for i, m in ipairs(coclick.meetings.all{per = 100}) do ids[#ids + 1] = m.id end
                local reversed = {}
                for i = #ids, 1, -1 do reversed[#reversed + 1] = ids[i] end
                local one = coclick.meetings.get_many({ids[1], ids[2], ids[3], ids[4], ids[5], ids[6]}, {concurrency = 1})
                local many = coclick.meetings.get_many(reversed, {concurrency = 4})
                local ordered = #many == #ids
                for i, m in ipairs(many) do ordered = ordered and m.id == reversed[i] and m.token == reversed[i] end
                for i, m in ipairs(one) do ordered = ordered and m.id == ids[i] end
                return #one, #many, ordered, json.encode(coclick.meetings.get_many({}))
                """, state)
            h.check { #expect(result == [.integer(6), .integer(24), .bool(true), .string("[]")]) }
            // The first six detail requests ran one at a time; the next 24 at most four at once.
            let details = h.trace.filter { $0.method == "GET" && $0.url.contains("/meetings/") }
            h.check { #expect(details.count == 30) }
            let inFlight = h.maxInFlight("GET", containing: "/meetings/")
            h.check { #expect(inFlight <= 4 && inFlight >= 2, "\(inFlight) detail requests in flight at once") }
        }
        try await withBindings(meetings: 8, faults: "latency=40ms") { h in
            let state = try h.makeState()
            _ = try run(
                """
                local ids = {}
                for _, m in ipairs(coclick.meetings.all{}) do ids[#ids + 1] = m.id end
                coclick.meetings.get_many(ids, {concurrency = 1})
                """, state)
            h.check { #expect(h.maxInFlight("GET", containing: "/meetings/") == 1) }
        }
    }

    @Test func createReturnsTheCreatedMeeting() async throws {
        try await withBindings(meetings: 3) { h in
            let state = try h.makeState()
            let user = try #require(h.server.presenters.first)
            setGlobal(state, "USER", .string(user))
            let result = try run(
                """
                local m = coclick.meetings.create{
                  user = USER, starts_at = "2030-01-02T10:00:00.000+01:00",
                  cobrowsing_url = "https://shop.example.com/",
                  custom_data = {user_id = 17, username = "Phil"},
                  cobrowsing_cookies_data = {},
                }
                local again = coclick.meetings.get(m.id)
                return #m.id, m.id == m.token, m.user, m.custom_data.user_id, m.custom_data.username,
                       json.encode(m.cobrowsing_cookies_data), coclick.time.parse(m.starts_at),
                       again.cobrowsing_url, type(m.presenter_room_url)
                """, state)
            h.check {
                #expect(
                    result == [
                        .integer(64), .bool(true), .string(user),
                        .integer(17), .string("Phil"), .string("[]"), .integer(1_893_574_800),
                        .string("https://shop.example.com/"), .string("string"),
                    ])
            }
            h.check { #expect(h.server.stats.meetingsCreated == 1) }
        }
    }

    @Test func createTakesEpochSeconds() async throws {
        try await withBindings(meetings: 3) { h in
            let state = try h.makeState()
            setGlobal(state, "USER", .string(try #require(h.server.presenters.first)))
            let result = try run(
                """
                local a = coclick.meetings.create{user = USER, starts_at = 1900000000, cobrowsing_url = "https://a.example/"}
                local b = coclick.meetings.create{user = USER, starts_at = 1900000000.25, cobrowsing_url = "https://a.example/",
                  cobrowsing_cookies_data = {{name = "session", value = "abc", path = "/"}}}
                return coclick.time.parse(a.starts_at), coclick.time.parse(b.starts_at),
                       a.starts_at:match("^%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%d%.%d%d%d[%+%-Z]") ~= nil,
                       b.cobrowsing_cookies_data[1].name
                """, state)
            h.check { #expect(result == [.integer(1_900_000_000), .number(1_900_000_000.25), .bool(true), .string("session")]) }
        }
    }

    @Test func createValidationFailureRaisesATableWithErrors() async throws {
        try await withBindings(meetings: 3) { h in
            let state = try h.makeState()
            let result = try run(
                """
                local ok, err = pcall(coclick.meetings.create, {user = "nobody@example.com", cobrowsing_url = "https://x.example/"})
                return ok, err.kind, err.status, err.errors.user[1], err.errors.starts_at[1], #err.errors.user,
                       tostring(err), err.message
                """, state)
            h.check {
                #expect(
                    result == [
                        .bool(false), .string("validation"), .integer(422), .string("User must exist"),
                        .string("please specify a start date"), .integer(1),
                        .string("CoClick 422: user: User must exist; starts_at: please specify a start date"),
                        .string("user: User must exist; starts_at: please specify a start date"),
                    ])
            }
            h.check { #expect(h.server.stats.meetingsCreated == 0) }
            h.check { #expect(h.server.stats.validationFailures == 1) }
        }
    }
}
