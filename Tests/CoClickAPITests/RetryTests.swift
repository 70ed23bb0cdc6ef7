import Foundation
import Testing

@testable import CoClickAPI

@Suite("Retry policy")
struct RetryTests {
    @Test func retryAfterSeconds() {
        #expect(RetryAfter.parse("3") == .seconds(3))
        #expect(RetryAfter.parse(" 0 ") == .seconds(0))
        #expect(RetryAfter.parse("-1") == nil)
        #expect(RetryAfter.parse("soon") == nil)
        #expect(RetryAfter.parse("") == nil)
    }

    @Test func retryAfterHTTPDate() throws {
        let now = try #require(RetryAfter.parseHTTPDate("Sun, 06 Nov 1994 08:49:37 GMT"))
        #expect(now == Date(timeIntervalSince1970: 784_111_777))
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:47 GMT", now: now) == .seconds(10))
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:27 GMT", now: now) == .zero)
        #expect(RetryAfter.parse("Sunday, 06-Nov-94 08:49:37 GMT", now: now) == nil)
    }

    @Test func backoffBoundsGrowAndCap() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .milliseconds(350))
        #expect(policy.backoffBound(retry: 1) == .milliseconds(100))
        #expect(policy.backoffBound(retry: 2) == .milliseconds(200))
        #expect(policy.backoffBound(retry: 3) == .milliseconds(350))
        #expect(policy.backoffBound(retry: 40) == .milliseconds(350))
    }

    @Test func jitterStaysWithinBounds() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .seconds(1))
        var seen = Set<Duration>()
        for retry in 1...4 {
            for _ in 0..<200 {
                let d = policy.delay(retry: retry, retryAfter: nil)
                #expect(d >= .zero && d <= policy.backoffBound(retry: retry))
                seen.insert(d)
            }
        }
        #expect(seen.count > 20)  // full jitter, not a fixed delay
    }

    @Test func retryAfterIsHonouredUpToTheCap() {
        let policy = RetryPolicy(maxAttempts: 3, retryAfterCap: .seconds(30))
        #expect(policy.delay(retry: 1, retryAfter: .seconds(2)) == .seconds(2))
        #expect(policy.delay(retry: 1, retryAfter: .seconds(3600)) == .seconds(30))
    }
}
