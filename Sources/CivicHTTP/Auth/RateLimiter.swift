import Synchronization

/// A token bucket per API key, in this process: each key may make `burst` requests at once
/// and `ratePerSecond` on average. With several servers, each enforces the limit on its own
/// share of the traffic.
///
/// `Sendable`: the buckets are behind a `Mutex`.
public final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let buckets = Mutex<[Int64: Bucket]>([:])
    private let clock = ContinuousClock()

    public init() {}

    /// Takes one token for `key`: nil when the request may go ahead, else how long until a
    /// token will be there (for `Retry-After`).
    public func take(key: Int64, ratePerSecond: Int, burst: Int, now: ContinuousClock.Instant? = nil) -> Duration? {
        let now = now ?? clock.now
        let rate = Double(max(ratePerSecond, 1))
        let capacity = Double(max(burst, 1))
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(capacity, bucket.tokens + max(seconds, 0) * rate)
            bucket.updated = now
            defer { buckets[key] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return .milliseconds(Int64(((1 - bucket.tokens) / rate * 1000).rounded(.up)))
        }
    }
}
