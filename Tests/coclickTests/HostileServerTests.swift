import Foundation
import Testing

/// The built binary against a server that misbehaves in one way per case (`HostileServer`, raw
/// bytes on 127.0.0.1). Each case ends with the SPEC's status (5 for a reply CoClick cannot
/// decode, after the GET's retries), a message naming what was wrong, and well within a bound
/// that only catches hangs.
@Suite("Hostile servers", .serialized)
struct HostileServerTests {
    /// One misbehaviour and what the run must make of it.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// Answers the requests the case is about; nil lets the server's default answer.
        var reply: @Sendable (HostileServer.Request) -> HostileServer.Reply?
        var code = "return #coclick.meetings.list{}"
        var options: [String] = []
        var status: Int32 = 5
        /// A part of standard error.
        var message: String
        /// How many `GET /meetings` requests the run may make (4: the first and three retries).
        var listRequests: ClosedRange<Int> = 4...4
        var testDescription: String { name }
    }

    /// Replies to `GET /meetings` only; `/authenticate` gets its token.
    static func meetings(
        _ reply: @escaping @Sendable (HostileServer.Request) -> HostileServer.Reply
    )
        -> @Sendable (HostileServer.Request) -> HostileServer.Reply?
    {
        { request in request.path.hasPrefix("/api/v1/meetings") ? reply(request) : nil }
    }

    static let validPage = HostileServer.page(first: 0, count: 3)

    static let cases: [Case] = [
        Case(
            name: "200 with a truncated body",
            reply: meetings { _ in HostileServer.response(200, String(validPage.prefix(70))) },
            message: "list meetings: response is not valid JSON"),
        Case(
            name: "Content-Length longer than the body, then the connection closed",
            reply: meetings { _ in HostileServer.lying(contentLength: validPage.utf8.count + 500, validPage) },
            message: "the reply was cut short or is not valid HTTP"),
        Case(
            name: "Content-Length shorter than the body",
            reply: meetings { _ in HostileServer.lying(contentLength: 40, validPage) },
            message: "list meetings: response is not valid JSON"),
        Case(
            name: "the body stalls halfway",
            reply: meetings { _ in
                .stall(Data("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n[{\"id\":".utf8))
            },
            message: "no complete response within 1 s"),
        Case(
            name: "invalid UTF-8",
            reply: meetings { _ in
                var body = Data("[{\"id\":\"".utf8)
                body.append(contentsOf: [0xFF, 0xFE, 0xC3])
                body.append(Data("\",\"status\":\"scheduled\"}]".utf8))
                return HostileServer.response(200, body)
            },
            message: "list meetings: response is not valid JSON"),
        Case(
            name: "an empty body",
            reply: meetings { _ in HostileServer.response(200, "") },
            message: "list meetings: response is not valid JSON"),
        Case(
            name: "a Content-Length over the size cap",
            reply: meetings { _ in HostileServer.lying(contentLength: 64 << 20, "[") },
            message: "larger than the 33554432-byte limit"),
        Case(
            name: "a chunked body over the size cap",
            reply: meetings { _ in .endlessChunked(total: 40 << 20) },
            message: "larger than the 33554432-byte limit"),
        Case(
            name: "an object where the array belongs",
            reply: meetings { _ in HostileServer.response(200, "{\"meetings\":[]}") },
            message: "list meetings: expected a JSON array, got object"),
        Case(
            name: "wrong field types",
            reply: meetings { _ in
                HostileServer.response(200, "[{\"id\":\"abc\",\"user\":[\"x\"],\"status\":true,\"starts_at\":5}]")
            },
            message: "list meetings: item 1: meeting summary: field user should be a string, got array"),
        Case(
            name: "an HTML page with 200",
            reply: meetings { _ in
                HostileServer.response(
                    200, "<!DOCTYPE html><html><body>Sign in to the proxy</body></html>",
                    contentType: "text/html")
            },
            message: "list meetings: got an HTML page instead of JSON"),
        Case(
            name: "a redirect, which is not followed",
            reply: { request in
                guard request.path.hasPrefix("/api/v1/meetings") else { return nil }
                let host = request.headers["host"] ?? "127.0.0.1"
                return HostileServer.response(302, "", headers: ["Location: http://\(host)/api/v1/followed"])
            },
            message: "a redirect, not followed"),
        Case(
            name: "422 with errors on /authenticate: the key pair is rejected",
            reply: { request in
                request.path.hasSuffix("/authenticate")
                    ? HostileServer.response(422, "{\"errors\":{\"secret_key\":[\"is invalid\"]}}") : nil
            },
            status: 4, message: "authentication rejected", listRequests: 0...0),
        Case(
            name: "422 with an HTML page on /authenticate",
            reply: { request in
                request.path.hasSuffix("/authenticate")
                    ? HostileServer.response(422, "<html><body>Unprocessable</body></html>", contentType: "text/html") : nil
            },
            message: "authenticate: HTTP 422 without the API's JSON error body (an HTML page, not the API)",
            listRequests: 0...0),
        Case(
            name: "X-Page ignored, all{}",
            reply: meetings { _ in HostileServer.response(200, HostileServer.page(first: 0, count: 20)) },
            code: "return #coclick.meetings.all{}",
            message: "list meetings: page 2 repeats page 1: the server ignores X-Page", listRequests: 2...3),
        Case(
            name: "X-Page ignored, each{}",
            reply: meetings { _ in HostileServer.response(200, HostileServer.page(first: 0, count: 20)) },
            code: "local n = 0; for m in coclick.meetings.each{} do n = n + 1 end; return n",
            message: "list meetings: page 2 repeats page 1: the server ignores X-Page", listRequests: 2...3),
        Case(
            name: "X-Page ignored, each{full=true}",
            reply: { request in
                if request.path.hasPrefix("/api/v1/meetings/") {
                    let id = String(request.path.dropFirst("/api/v1/meetings/".count))
                    return HostileServer.response(200, "{\"token\":\"\(id)\",\"status\":\"scheduled\"}")
                }
                return request.path.hasPrefix("/api/v1/meetings") ? HostileServer.response(200, HostileServer.page(first: 0, count: 20)) : nil
            },
            code: "local n = 0; for m in coclick.meetings.each{full=true} do n = n + 1 end; return n",
            message: "list meetings: page 2 repeats page 1: the server ignores X-Page", listRequests: 2...3),
        Case(
            name: "endless distinct pages: all{} stops at --max-memory",
            reply: meetings { request in
                let page = Int(request.headers["x-page"] ?? "1") ?? 1
                let per = min(Int(request.headers["x-per"] ?? "20") ?? 20, 100)
                return HostileServer.response(200, HostileServer.page(first: (page - 1) * per, count: per))
            },
            code: "return #coclick.meetings.all{per=100}", options: ["--max-memory", "8"],
            status: 1, message: "not enough memory", listRequests: 2...2000),
    ]

    @Test(arguments: cases)
    func endsWithAClearErrorAndStatus(_ misbehaviour: Case) async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try HostileServer(reply: misbehaviour.reply)
        defer { server.stop() }
        let key = "hostile-secret-key-9f8e7d6c5b4a"
        let environment = home.environment([
            "COCLICK_SECRET_ID": "hostile-id", "COCLICK_SECRET_KEY": key,
            // Each attempt bounded (the stalled body); the retries' backoff stays the default.
            "COCLICK_REQUEST_TIMEOUT": "1",
        ])
        let run = try await BinaryRun.coclickOffPool(
            ["--base-url", server.baseURL] + misbehaviour.options + ["eval", misbehaviour.code],
            environment: environment, timeout: .seconds(60))

        #expect(!run.timedOut, "no exit within 60 s: \(run.summary)")
        #expect(run.status == misbehaviour.status, "\(run.summary)")
        #expect(run.stderr.hasPrefix("coclick: "), "\(run.summary)")
        #expect(run.stderr.contains(misbehaviour.message), "\(run.summary)")
        #expect(run.stdout.isEmpty, "nothing reported as a result: \(run.summary)")
        #expect(!run.stderr.contains(key))
        let listed = server.requests.filter { $0.method == "GET" && $0.path.hasPrefix("/api/v1/meetings") && !$0.path.hasPrefix("/api/v1/meetings/") }
        #expect(misbehaviour.listRequests.contains(listed.count), "GET /meetings \(listed.count) times: \(run.summary)")
        #expect(server.requests(to: "/authenticate").count <= 1, "POST /authenticate is never retried")
        #expect(server.requests(to: "/followed").isEmpty, "a redirect is never followed")
    }

    /// A page refused in the middle of a listing: `each` hands out every meeting before it, in
    /// order, then raises the refusal. Once the window is full the pages come to the script three
    /// at a time; pages 4 to 9 put the refused one at each place of such a group.
    @Test(arguments: [4, 5, 6, 7, 8, 9])
    func aRefusedPageEndsTheLoopAfterTheMeetingsBeforeIt(refused: Int) async throws {
        let home = try IsolatedHome()
        defer { home.remove() }
        let server = try HostileServer(
            reply: Self.meetings { request in
                let page = Int(request.headers["x-page"] ?? "1") ?? 1
                if page == refused { return HostileServer.response(422, "{\"errors\":{\"page\":[\"is refused\"]}}") }
                return HostileServer.response(200, HostileServer.page(first: (page - 1) * 20, count: 20))
            })
        defer { server.stop() }
        let code = """
            local n, last = 0, -1
            local ok, err = pcall(function()
              for m in coclick.meetings.each{per = 20} do
                n = n + 1
                local index = tonumber(m.id, 16)
                if index ~= last + 1 then error("out of order at " .. n) end
                last = index
              end
            end)
            print(n, ok, tostring(err))
            """
        let environment = home.environment(["COCLICK_SECRET_ID": "hostile-id", "COCLICK_SECRET_KEY": "hostile-key"])
        let run = try await BinaryRun.coclickOffPool(
            ["--base-url", server.baseURL, "eval", code], environment: environment, timeout: .seconds(60))
        #expect(run.status == 0, "\(run.summary)")
        #expect(run.stdout.hasPrefix("\((refused - 1) * 20)\tfalse\t"), "\(run.summary)")
        #expect(run.stdout.contains("is refused"), "\(run.summary)")
    }
}
