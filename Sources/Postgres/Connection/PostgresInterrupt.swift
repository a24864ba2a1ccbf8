import Synchronization

/// Connects Swift task cancellation to a connection's running statement.
///
/// The owning ``PostgresSession`` resets it at the start of each unit of work. A cancelling
/// task calls ``cancel()`` from any thread: it marks the work cancelled and, if a statement is
/// running, sends a cancel request to the server. The connection calls ``begin()`` before and
/// ``end()`` after each statement, so no new statement starts once the work is cancelled.
///
/// Because the cancel request is sent while holding the lock that ``end()`` also takes, a
/// statement cannot finish and the next unit of work start before the request has reached
/// the server; a late request then finds the backend idle, where PostgreSQL ignores it.
///
/// `Sendable`: all state is behind a `Mutex`.
final class PostgresInterrupt: Sendable {
    private struct State {
        var canceller: PostgresCanceller?
        var cancelled = false
        var inStatement = false
    }

    private let state = Mutex(State())

    init() {}

    func attach(_ canceller: PostgresCanceller?) {
        state.withLock { $0.canceller = canceller }
    }

    /// Forgets an earlier cancellation: a new unit of work begins.
    func reset() {
        state.withLock { $0.cancelled = false }
    }

    var wasCancelled: Bool { state.withLock { $0.cancelled } }

    /// Marks the start of a statement. Throws if the unit of work was cancelled.
    func begin() throws {
        let cancelled = state.withLock { state in
            if !state.cancelled { state.inStatement = true }
            return state.cancelled
        }
        if cancelled { throw CancellationError() }
    }

    func end() {
        state.withLock { $0.inStatement = false }
    }

    /// Cancels the current unit of work (from any thread).
    func cancel() {
        state.withLock { state in
            state.cancelled = true
            if state.inStatement { state.canceller?.cancel() }
        }
    }
}
