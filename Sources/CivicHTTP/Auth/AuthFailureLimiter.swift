import Synchronization

/// Failed API keys per client address, in this process: after `limit` failures within a
/// minute, that address is refused (429) until the minute is over. Only the address that
/// failed is refused, so an attacker cannot lock a valid key out of another address.
///
/// `Sendable`: the windows are behind a `Mutex`.
public final class AuthFailureLimiter: Sendable {
    private struct Window {
        var started: ContinuousClock.Instant
        var failures: Int
    }

    /// Failures allowed per address and minute before it is refused.
    public let limit: Int
    private let window: Duration = .seconds(60)
    private let windows = Mutex<[String: Window]>([:])
    private let clock = ContinuousClock()

    public init(limit: Int) {
        self.limit = max(limit, 1)
    }

    /// How long `address` must wait, or nil when it may try a key.
    public func blocked(_ address: String, now: ContinuousClock.Instant? = nil) -> Duration? {
        let now = now ?? clock.now
        return windows.withLock { windows in
            guard let current = windows[address], now - current.started < window else { return nil }
            return current.failures >= limit ? current.started + window - now : nil
        }
    }

    /// Counts a failed key from `address`.
    public func recordFailure(_ address: String, now: ContinuousClock.Instant? = nil) {
        let now = now ?? clock.now
        windows.withLock { windows in
            if windows.count > 50_000 {
                windows = windows.filter { now - $0.value.started < window }
            }
            if var current = windows[address], now - current.started < window {
                current.failures += 1
                windows[address] = current
            } else {
                windows[address] = Window(started: now, failures: 1)
            }
        }
    }
}
