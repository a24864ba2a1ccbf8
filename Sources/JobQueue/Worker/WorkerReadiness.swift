import Synchronization

/// What a worker is ready for: whether it listens, whether it has looked for work and found
/// none, whether it has stopped. Tests (and anything else) wait on it with
/// ``JobWorker/waitUntil(timeout:_:)`` instead of sleeping for a guessed while.
public struct WorkerReadiness: Sendable, Equatable {
    /// The listener has its LISTEN in place (false while it connects or reconnects, and
    /// always for a worker that only polls).
    public internal(set) var listening = false
    /// How many times a LISTEN was put in place: 1 after the first, one more per reconnection.
    public internal(set) var listens = 0
    /// The last claim pass found nothing to claim, and no job was running.
    public internal(set) var idle = false
    /// ``listens`` as it was when that idle pass began: equal to ``listens`` once the worker
    /// has looked for work after its latest LISTEN.
    public internal(set) var sweptAfterListen = 0
    /// Notifications for the worker's queues, received.
    public internal(set) var notifications = 0
    /// Claim passes made, in all.
    public internal(set) var passes = 0
    /// The worker has stopped: its jobs finished or were released, their outcomes recorded.
    public internal(set) var drained = false

    public init() {}

    /// Idle and listening, and it has looked for work since its latest LISTEN: a job enqueued
    /// from now on is found through its NOTIFY (or a later poll), not by a pass under way.
    public var idleAndListening: Bool { idle && listening && sweptAfterListen == listens }
}

/// A ``WorkerReadiness`` that tasks can wait on until it satisfies a condition.
///
/// `Sendable`: the value and the waiters are behind a `Mutex`; each waiter is resumed exactly
/// once (by a change that satisfies it, or by its timeout or cancellation).
final class ReadinessSignal: Sendable {
    private typealias Condition = @Sendable (WorkerReadiness) -> Bool

    private struct State {
        var value = WorkerReadiness()
        var waiters: [UInt64: (condition: Condition, continuation: CheckedContinuation<Bool, Never>)] = [:]
        var abandoned: Set<UInt64> = []
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    var value: WorkerReadiness { state.withLock { $0.value } }

    /// Changes the value and resumes the waiters it now satisfies.
    func update(_ change: (inout WorkerReadiness) -> Void) {
        let ready = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            change(&state.value)
            let value = state.value
            let met = state.waiters.filter { $0.value.condition(value) }
            for id in met.keys { state.waiters[id] = nil }
            return met.values.map(\.continuation)
        }
        for continuation in ready { continuation.resume(returning: true) }
    }

    /// Returns true once `condition` holds (at once if it holds now), false after `timeout` or
    /// when the task is cancelled.
    func wait(timeout: Duration, until condition: @escaping @Sendable (WorkerReadiness) -> Bool) async -> Bool {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        let met = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let resumeNow = self.state.withLock { state -> Bool? in
                        if state.abandoned.remove(id) != nil { return false }
                        if condition(state.value) { return true }
                        state.waiters[id] = (condition, continuation)
                        return nil
                    }
                    if let resumeNow { continuation.resume(returning: resumeNow) }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.abandon(id)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        // Both children are done: forget the mark a late timeout may have left.
        state.withLock { _ = $0.abandoned.remove(id) }
        return met
    }

    /// Resumes waiter `id` with false, or marks it so that it does not start waiting.
    private func abandon(_ id: UInt64) {
        let continuation = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            if let waiter = state.waiters.removeValue(forKey: id) { return waiter.continuation }
            state.abandoned.insert(id)
            return nil
        }
        continuation?.resume(returning: false)
    }
}
