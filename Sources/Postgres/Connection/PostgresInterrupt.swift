import Dispatch
import Synchronization

/// Connects Swift task cancellation to a connection's running statement.
///
/// The owning ``PostgresSession`` resets it at the start of each unit of work. A cancelling
/// task calls ``cancel()`` from any thread: it marks the work cancelled and, if a statement is
/// running, hands a cancel request to ``PostgresCancelThread`` and returns at once (`PQcancel`
/// blocks on the network, so it never runs on the caller's thread, which is usually one of
/// the cooperative pool's). The connection calls ``begin()`` before and ``end()`` after each
/// statement, so no new statement starts once the work is cancelled.
///
/// ``end()``, on the connection's own thread after the statement, waits until a request sent
/// during it has reached the server: a late request then finds the backend idle, where
/// PostgreSQL ignores it, and cannot cancel a later statement.
///
/// `Sendable`: all state is behind a `Mutex`; the delivery signal is a `DispatchSemaphore`.
final class PostgresInterrupt: Sendable {
    private struct State {
        var canceller: PostgresCanceller?
        var cancelled = false
        var inStatement = false
        /// Signalled by the cancel thread once the request in flight has been delivered.
        var inFlight: DispatchSemaphore?
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

    /// Marks the end of a statement. Blocks (on the connection's thread) until a cancel request
    /// sent during it has been delivered, so that it cannot land on a later statement.
    func end() {
        let inFlight = state.withLock { state in
            state.inStatement = false
            defer { state.inFlight = nil }
            return state.inFlight
        }
        inFlight?.wait()
    }

    /// Cancels the current unit of work (from any thread, without blocking).
    func cancel() {
        let request = state.withLock { state -> (PostgresCanceller, DispatchSemaphore)? in
            state.cancelled = true
            guard state.inStatement, state.inFlight == nil, let canceller = state.canceller else { return nil }
            let delivered = DispatchSemaphore(value: 0)
            state.inFlight = delivered
            return (canceller, delivered)
        }
        guard let (canceller, delivered) = request else { return }
        PostgresCancelThread.shared.send {
            canceller.cancel()
            delivered.signal()
        }
    }
}
