import CoClickAPI
import CoClickSandbox
import CoClickSandboxTesting
import Foundation
import Testing

/// The client against the sandbox over loopback HTTP.
@Suite("Client against the sandbox")
struct ClientIntegrationTests {
    @Test func aServerCappedPageSizeStillPagesThroughEverything() async throws {
        // The sandbox serves at most 100 a page and echoes X-Per: 100.
        try await withSandbox(meetings: 150) { server in
            try await TestClient(server).run { client in
                let first = try await client.listMeetings(page: 1, per: 500)
                #expect(first.count == 100 && first.per == 100 && first.next == 2)
                var count = 0
                for try await _ in client.meetings(per: 500) { count += 1 }
                #expect(count == 150)
            }
        }
    }

    @Test func pagingAcrossPagesAndLimits() async throws {
        try await withSandbox(meetings: 45) { server in
            try await TestClient(server).run { client in
                let first = try await client.listMeetings(page: 1, per: 20)
                #expect(first.count == 20 && first.next == 2)
                let third = try await client.listMeetings(page: 3, per: 20)
                #expect(third.count == 5 && third.next == nil)
                let beyond = try await client.listMeetings(page: 4, per: 20)
                #expect(beyond.count == 0 && beyond.next == nil)

                var pages: [Int] = []
                for try await page in client.meetingPages(per: 20) { pages.append(page.count) }
                #expect(pages == [20, 20, 5])

                var ids: [String] = []
                for try await summary in client.meetings(per: 20) { ids.append(summary.id) }
                #expect(ids.count == 45)
                #expect(Set(ids).count == 45)

                var limited: [String] = []
                for try await summary in client.meetings(per: 20, limit: 25) { limited.append(summary.id) }
                #expect(limited == Array(ids.prefix(25)))

                var none = 0
                for try await _ in client.meetings(per: 20, limit: 0) { none += 1 }
                #expect(none == 0)
            }
        }
    }

    @Test func exactMultipleOfPerEndsOnAnEmptyPage() async throws {
        try await withSandbox(meetings: 40) { server in
            try await TestClient(server).run { client in
                var count = 0
                for try await _ in client.meetings(per: 20) { count += 1 }
                #expect(count == 40)
            }
        }
    }

    @Test func queryFiltersByUser() async throws {
        try await withSandbox(meetings: 60) { server in
            try await TestClient(server).run { client in
                let all = try await client.listMeetings(per: 100)
                let user = try #require(all.items.first?.user)
                let filtered = try await client.listMeetings(query: .object(.object(["user": .string(user)])), per: 100)
                #expect(!filtered.items.isEmpty)
                #expect(filtered.items.allSatisfy { $0.user == user })
                #expect(filtered.count < all.count)
            }
        }
    }

    @Test func getOneAndNotFound() async throws {
        try await withSandbox { server in
            try await TestClient(server).run { client in
                let summary = try #require(try await client.listMeetings(per: 5).items.first)
                let meeting = try await client.meeting(id: summary.id)
                #expect(meeting.id == summary.id)
                #expect(meeting.user == summary.user)
                #expect(meeting.fields["token"]?.stringValue == summary.id)
                let error = await #expect(throws: CoClickError.self) {
                    try await client.meeting(id: String(repeating: "0", count: 64))
                }
                #expect(error?.kind == .notFound)
                #expect(error?.status == 404)
            }
        }
    }

    @Test func getManyConcurrentlyInOrder() async throws {
        try await withSandbox(meetings: 30, faults: "latency=100ms") { server in
            let test = TestClient(server)
            try await test.run { client in
                let ids = try await client.listMeetings(per: 30).items.map(\.id).reversed()
                let meetings = try await client.meetings(ids: Array(ids), concurrency: 8)
                #expect(meetings.map(\.id) == Array(ids))
                // Concurrently, as the sandbox saw it: each request is held 100 ms there, so the
                // requests sent together overlap; never more than 8 at once.
                let most = server.stats.mostRequestsInFlight
                #expect(most > 1 && most <= 8, "\(server.stats)")
                #expect(server.stats.authentications == 1)
            }
        }
    }

    @Test func fullMeetingsFollowThePages() async throws {
        try await withSandbox(meetings: 25) { server in
            try await TestClient(server).run { client in
                var ids: [String] = []
                for try await meeting in client.fullMeetings(per: 10, limit: 23, concurrency: 4) {
                    #expect(meeting.fields["token"] != nil)
                    ids.append(meeting.id)
                }
                var summaries: [String] = []
                for try await s in client.meetings(per: 10, limit: 23) { summaries.append(s.id) }
                #expect(ids == summaries)
            }
        }
    }

    @Test func createAndValidationErrors() async throws {
        try await withSandbox { server in
            try await TestClient(server).run { client in
                let user = try #require(try await client.listMeetings(per: 1).items.first?.user)
                let created = try await client.createMeeting(
                    NewMeeting(
                        user: user, startsAt: "2031-10-30T14:29:33.000+02:00", cobrowsingURL: "https://shop.example.com/",
                        customData: .object(["user_id": .integer(17)])))
                #expect(created.user == user)
                #expect(created.customData?["user_id"] == .integer(17))
                #expect(try await client.meeting(id: created.id).id == created.id)

                let error = await #expect(throws: CoClickError.self) {
                    try await client.createMeeting(NewMeeting(user: "nobody@nowhere.invalid", startsAt: nil, cobrowsingURL: nil))
                }
                #expect(error?.kind == .validation)
                #expect(error?.status == 400 || error?.status == 422)
                #expect(error?.validationErrors["starts_at"]?.isEmpty == false)
                #expect(error?.description.hasPrefix("CoClick \(error?.status ?? 0): user: ") == true)
                #expect(server.stats.meetingsCreated == 1)
            }
        }
    }

    @Test func tokenIsRenewedBeforeExpiry() async throws {
        // Tokens good for 60 s, renewed 30 s before they expire. The sandbox's clock starts 40 s
        // behind: the tokens it issues have 20 s left as the client sees them, inside the margin,
        // so every call renews (the server still accepts each). With the clock in step a token
        // has 60 s left, and the next calls share it.
        let clock = SandboxClock()
        clock.advance(by: .seconds(-40))
        try await withSandbox(tokenTTL: .seconds(60), clock: clock) { server in
            try await TestClient(server, adjust: { $0.tokenRenewalMargin = .seconds(30) }).run { client in
                _ = try await client.listMeetings(per: 1)
                let first = server.stats.authentications
                _ = try await client.listMeetings(per: 1)
                #expect(server.stats.authentications > first, "renewed inside the margin")
                clock.advance(by: .seconds(40))
                _ = try await client.listMeetings(per: 1)
                let fresh = server.stats.authentications
                _ = try await client.listMeetings(per: 1)
                _ = try await client.listMeetings(per: 1)
                #expect(server.stats.authentications == fresh, "kept outside the margin")
                #expect(server.stats.unauthorized == 0)
            }
        }
    }

    @Test func renewsOnceAfterA401() async throws {
        try await withSandbox { server in
            let directory = try temporaryDirectory()
            let store = FileTokenStore(directory: directory)
            let key = TokenKey(profile: "default", baseURL: server.baseURL, secretID: server.secretID)
            // A cached token the server never issued, valid for an hour as far as the client knows.
            _ = try await store.renew(key, margin: .zero, rejected: nil) {
                Token(value: "forged.token.value", expiresAt: Date().addingTimeInterval(3600), company: "X", baseURL: server.baseURL)
            }
            try await TestClient(server, store: store).run { client in
                #expect(try await client.token().value == "forged.token.value")
                let page = try await client.listMeetings(per: 3)
                #expect(page.count == 3)
                #expect(server.stats.unauthorized == 1)
                #expect(server.stats.authentications == 1)
                #expect(try await client.token().value != "forged.token.value")
            }
            #expect(try await store.load(key)?.value != "forged.token.value")
        }
    }

    @Test func rejectedKeyIsUnauthorized() async throws {
        try await withSandbox { server in
            let test = TestClient(server, adjust: { $0.credentials?.secretKey = "wrong-key-123" })
            try await test.run { client in
                let error = await #expect(throws: CoClickError.self) { try await client.listMeetings() }
                #expect(error?.kind == .unauthorized)
                #expect(error?.description.contains("wrong-key-123") == false)
                #expect(test.attempts("POST", "/authenticate").count == 1)
            }
        }
    }

    @Test func retriesInjected503() async throws {
        try await withSandbox(faults: "503=x2") { server in
            let test = TestClient(server)
            try await test.run { client in
                let page = try await client.listMeetings(per: 5)
                #expect(page.count == 5)
                let attempts = test.attempts("GET", "/meetings")
                #expect(attempts.map(\.status) == [503, 503, 200])
                #expect(attempts.map(\.attempt) == [1, 2, 3])
            }
        }
    }

    @Test func gives503UpAfterTheLastAttempt() async throws {
        try await withSandbox(faults: "503=x10") { server in
            let test = TestClient(server, adjust: { $0.retry.maxAttempts = 3 })
            try await test.run { client in
                let error = await #expect(throws: CoClickError.self) { try await client.listMeetings() }
                #expect(error?.kind == .unavailable)
                #expect(error?.status == 503)
                #expect(test.attempts("GET", "/meetings").count == 3)
            }
        }
    }

    @Test func honoursRetryAfterOn429() async throws {
        try await withSandbox(faults: "429=x1,retry_after=1") { server in
            let test = TestClient(server)
            try await test.run { client in
                let started = ContinuousClock.now
                _ = try await client.listMeetings(per: 2)
                let elapsed = ContinuousClock.now - started
                #expect(elapsed >= .milliseconds(950), "\(elapsed)")
                #expect(test.attempts("GET", "/meetings").map(\.status) == [429, 200])
            }
        }
    }

    @Test func neverRetriesAPost() async throws {
        try await withSandbox(faults: "503=x1") { server in
            let test = TestClient(server)
            try await test.run { client in
                _ = try await client.token()
                let user = "presenter@example.com"
                let error = await #expect(throws: CoClickError.self) {
                    try await client.createMeeting(
                        NewMeeting(
                            user: user, startsAt: "2031-01-01T10:00:00Z",
                            cobrowsingURL: "https://x.example/"))
                }
                #expect(error?.kind == .unavailable)
                #expect(test.attempts("POST", "/meetings").count == 1)
                #expect(server.stats.meetingsCreated == 0)
            }
        }
    }

    @Test func timesOutAgainstAHangingServer() async throws {
        try await withSandbox(faults: "hang=x1") { server in
            let test = TestClient(
                server,
                adjust: {
                    $0.requestTimeout = .seconds(3)
                    $0.retry = .none
                })
            try await test.run { client in
                _ = try await client.token()  // hang applies to meeting endpoints only
                let started = ContinuousClock.now
                let error = await #expect(throws: CoClickError.self) { try await client.listMeetings() }
                #expect(error?.kind == .timeout)
                #expect(ContinuousClock.now - started < .seconds(15), "bounded by the 3 s timeout, not a hang")
                // The next request is served normally.
                let count = try await client.listMeetings(per: 2).count
                #expect(count == 2)
            }
        }
    }

    @Test func aHangIsRetriedForAGet() async throws {
        try await withSandbox(faults: "hang=x1") { server in
            let test = TestClient(server, adjust: { $0.requestTimeout = .seconds(2) })
            try await test.run { client in
                let count = try await client.listMeetings(per: 2).count
                #expect(count == 2)
                #expect(test.attempts("GET", "/meetings").count == 2)
            }
        }
    }

    @Test func cancellationStopsAnInFlightRequest() async throws {
        try await withSandbox(faults: "hang=x1") { server in
            let test = TestClient(server, adjust: { $0.requestTimeout = .seconds(30) })
            try await test.run { client in
                _ = try await client.token()
                let task = Task { try await client.listMeetings() }
                // Once the request hangs at the sandbox.
                #expect(await waitUntil { server.stats.faultsInjected == 1 })
                let started = ContinuousClock.now
                task.cancel()
                let result = await task.result
                #expect(ContinuousClock.now - started < .seconds(2))
                guard case .failure(let error) = result else {
                    Issue.record("the cancelled request succeeded")
                    return
                }
                #expect(error is CancellationError, "\(error)")
            }
        }
    }

    @Test func malformedAndHTMLBodies() async throws {
        try await withSandbox(faults: "malformed=x1") { server in
            try await TestClient(server, adjust: { $0.retry = .none }).run { client in
                let error = await #expect(throws: CoClickError.self) { try await client.listMeetings() }
                #expect(error?.kind == .decode)
            }
        }
        try await withSandbox(faults: "html=x1") { server in
            try await TestClient(server, adjust: { $0.retry = .none }).run { client in
                let error = await #expect(throws: CoClickError.self) { try await client.listMeetings() }
                #expect(error?.kind == .server)
                #expect(error?.message.contains("HTML") == true)
            }
        }
    }

    @Test func aReplyThatDoesNotDecodeIsRetriedForAGet() async throws {
        try await withSandbox(faults: "malformed=x2") { server in
            let test = TestClient(server)
            try await test.run { client in
                let page = try await client.listMeetings(per: 5)
                #expect(page.count == 5)
                #expect(test.attempts("GET", "/meetings").count == 3, "two truncated replies, then the page")
            }
        }
        try await withSandbox(faults: "malformed=x10") { server in
            let test = TestClient(server)
            try await test.run { client in
                let error = await #expect(throws: CoClickError.self) { try await client.meeting(id: String(repeating: "a", count: 64)) }
                #expect(error?.kind == .decode)
                #expect(test.attempts("GET", "/meetings/" + String(repeating: "a", count: 64)).count == 4)
            }
        }
    }

    @Test func aReplyThatDoesNotDecodeIsNotRetriedForAPost() async throws {
        try await withSandbox(faults: "malformed=x1") { server in
            let test = TestClient(server)
            try await test.run { client in
                _ = try await client.token()
                let error = await #expect(throws: CoClickError.self) {
                    try await client.createMeeting(
                        NewMeeting(
                            user: "presenter@example.com", startsAt: "2031-01-01T10:00:00Z",
                            cobrowsingURL: "https://x.example/"))
                }
                #expect(error?.kind == .decode)
                #expect(test.attempts("POST", "/meetings").count == 1)
            }
        }
    }

    @Test func bodyOverTheLimitIsRefused() async throws {
        try await withSandbox(meetings: 200) { server in
            try await TestClient(server, adjust: { $0.maxBodyBytes = 2048 }).run { client in
                let error = await #expect(throws: CoClickError.self) { try await client.listMeetings(per: 100) }
                #expect(error?.kind == .decode)
                #expect(error?.message.contains("2048") == true)
            }
        }
    }
}
