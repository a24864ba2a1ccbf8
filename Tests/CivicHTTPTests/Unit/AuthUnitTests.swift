@testable import CivicHTTP
import Foundation
import Testing

@Suite("API keys and the rate limiter")
struct AuthUnitTests {
    @Test("a key parses back, matches its own hash only, and never prints whole")
    func keys() throws {
        let key = APIKey.generate()
        let parsed = try #require(APIKey(parsing: key.text))
        #expect(parsed.prefix == key.prefix && parsed.matches(key.hash))
        #expect(!APIKey.generate().matches(key.hash))
        #expect(!"\(key)".contains(String(key.text.suffix(32))))
        #expect(APIKey(parsing: "cq_ABCDEFGH_" + String(repeating: "a", count: 32)) == nil)
        #expect(APIKey(parsing: "cq_abcdefgh_" + String(repeating: "a", count: 31)) == nil)
        #expect(APIKey(parsing: "") == nil)
    }

    @Test("a bucket lets the burst through, then one request per 1/rate seconds")
    func bucket() {
        let limiter = RateLimiter()
        let start = ContinuousClock.now
        for _ in 0..<3 { #expect(limiter.take(key: 1, ratePerSecond: 2, burst: 3, now: start) == nil) }
        let wait = limiter.take(key: 1, ratePerSecond: 2, burst: 3, now: start)
        #expect(wait == .milliseconds(500))
        #expect(limiter.take(key: 2, ratePerSecond: 2, burst: 3, now: start) == nil, "keys have their own buckets")
        #expect(limiter.take(key: 1, ratePerSecond: 2, burst: 3, now: start + .milliseconds(520)) == nil)
        #expect(limiter.take(key: 1, ratePerSecond: 2, burst: 3, now: start + .milliseconds(540)) != nil)
        #expect(limiter.take(key: 1, ratePerSecond: 2, burst: 3, now: start + .seconds(60)) == nil, "refilled, up to the burst")
    }

    @Test("failed keys: an address is refused after its limit for the rest of the minute; other addresses are not")
    func failures() {
        let limiter = AuthFailureLimiter(limit: 3)
        let start = ContinuousClock.now
        for n in 0..<3 {
            #expect(limiter.blocked("10.0.0.1", now: start) == nil, "failure \(n)")
            limiter.recordFailure("10.0.0.1", now: start + .seconds(n))
        }
        let wait = limiter.blocked("10.0.0.1", now: start + .seconds(10))
        #expect(wait == .seconds(50))
        #expect(limiter.blocked("10.0.0.2", now: start + .seconds(10)) == nil)
        #expect(limiter.blocked("10.0.0.1", now: start + .seconds(61)) == nil)
        limiter.recordFailure("10.0.0.1", now: start + .seconds(61))
        #expect(limiter.blocked("10.0.0.1", now: start + .seconds(62)) == nil, "a new minute counts afresh")
    }
}
