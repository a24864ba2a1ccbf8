import Postgres

/// How long a failed job waits before its next attempt: exponential, capped, with jitter.
///
/// `delay(attempt:)` for attempt n is `base * 2^(n-1)`, at most `cap`, then spread by up to
/// ±`jitter` of itself so that jobs that failed together do not retry together.
/// With the defaults: about 1 s, 2 s, 4 s ... reaching the 1-hour cap at the 13th attempt.
/// Pure value type; any thread.
public struct RetryPolicy: Sendable, Equatable {
    /// The delay after the first failure. Default 1 s.
    public var base: Duration
    /// The longest delay. Default 1 hour.
    public var cap: Duration
    /// The fraction of the delay by which it is spread, 0...1. Default 0.1.
    public var jitter: Double

    public init(base: Duration = .seconds(1), cap: Duration = .seconds(3600), jitter: Double = 0.1) {
        self.base = base
        self.cap = cap
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The delay before the attempt after `attempt` (which failed), using `random` in 0..<1.
    public func delay(afterAttempt attempt: Int, random: Double) -> Duration {
        let exponent = min(max(attempt - 1, 0), 62)
        let baseSeconds = base.seconds
        let capSeconds = cap.seconds
        let raw = min(baseSeconds * Double(UInt64(1) << UInt64(exponent)), capSeconds)
        let spread = raw * jitter * (random * 2 - 1)
        return .milliseconds(Int64(max(0, raw + spread) * 1000))
    }

    /// As above, with the system's random numbers.
    public func delay(afterAttempt attempt: Int) -> Duration {
        delay(afterAttempt: attempt, random: Double.random(in: 0..<1))
    }
}
