import Testing

@testable import JobQueue

@Suite("Retry policy and wake-ups")
struct RetryPolicyTests {
    @Test("delays double from the base, stop at the cap, and jitter stays within its bounds")
    func exponentialCappedJittered() {
        let policy = RetryPolicy(base: .seconds(1), cap: .seconds(60), jitter: 0.1)
        #expect(policy.delay(afterAttempt: 1, random: 0.5) == .seconds(1))
        #expect(policy.delay(afterAttempt: 2, random: 0.5) == .seconds(2))
        #expect(policy.delay(afterAttempt: 4, random: 0.5) == .seconds(8))
        #expect(policy.delay(afterAttempt: 7, random: 0.5) == .seconds(60))
        #expect(policy.delay(afterAttempt: 500, random: 0.5) == .seconds(60))
        #expect(policy.delay(afterAttempt: 4, random: 0) == .milliseconds(7200))
        #expect(policy.delay(afterAttempt: 4, random: 0.999_999) > .milliseconds(8790))
        for attempt in 1...30 {
            let delay = policy.delay(afterAttempt: attempt)
            #expect(delay >= .zero && delay <= .seconds(66))
        }
    }

    @Test("a notification before the wait is kept; every waiter wakes; a timeout ends a wait")
    func wakeSignal() async {
        let signal = WakeSignal()
        signal.notify()
        signal.notify()
        await signal.wait()  // returns at once: the notifications were kept (as one)
        let clock = ContinuousClock()
        let start = clock.now
        await signal.wait(timeout: .milliseconds(50))
        #expect(clock.now - start >= .milliseconds(45))
        async let first: Void = signal.wait()
        async let second: Void = signal.wait(timeout: .seconds(300))
        while signal.waiterCount < 2 { try? await Task.sleep(for: .milliseconds(5)) }
        signal.notify()
        _ = await (first, second)
        // Woken, not timed out (the bound is loose: a loaded machine delays wake-ups).
        #expect(clock.now - start < .seconds(200))
    }
}
