import Synchronization

/// A wake-up: ``notify()`` wakes every task waiting in ``wait(timeout:)``; when none is
/// waiting, the next wait returns at once. Several notifications before a wait count as one.
///
/// `Sendable`: its state is behind a `Mutex`. Each waiter is resumed exactly once: by a
/// notification, by its timeout, or by cancellation.
final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Tasks waiting now (for tests).
    var waiterCount: Int { state.withLock { $0.waiters.count } }

    func notify() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.waiters.isEmpty else {
                state.pending = true
                return []
            }
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns when notified, when the task is cancelled, or after `timeout` (if given).
    func wait(timeout: Duration? = nil) async {
        let consumed = state.withLock { state in
            defer { state.pending = false }
            return state.pending
        }
        if consumed { return }
        guard let timeout else {
            await waitForNotify()
            return
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForNotify() }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForNotify() async {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}
