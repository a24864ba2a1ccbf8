public import Logging
public import ServiceLifecycle
import Synchronization

/// A bounded pool of PostgreSQL connections, each owned by a ``PostgresSession`` on its own thread.
///
/// ```swift
/// let client = PostgresClient(configuration: .init(connection: try .fromEnvironment(), size: 4), logger: logger)
/// let open = try await client.withTransaction { connection in
///     try connection.query("SELECT count(*) FROM cases WHERE state = \(state)").scalar(Int.self)
/// }
/// ```
///
/// **Threading contract.** `Sendable`: call it from any task. The closures you pass run on a
/// connection's dedicated thread, never on the cooperative pool. When every connection is
/// busy, callers wait (in order) until one is returned; a waiting task that is cancelled stops
/// waiting. Connections are opened lazily, checked before each use and replaced when broken.
///
/// As a `Service` in a `ServiceGroup`, ``run()`` waits for graceful shutdown and then closes
/// the pool; outside one, call ``close()``.
public final class PostgresClient: Sendable, Service {
    /// Pool settings.
    public struct Configuration: Sendable {
        /// Where and how to connect.
        public var connection: PostgresConfiguration
        /// The most connections open at once. Default 4.
        public var size: Int
        /// A name for the connection threads and log lines. Default `"postgres"`.
        public var name: String

        public init(connection: PostgresConfiguration, size: Int = 4, name: String = "postgres") {
            self.connection = connection
            self.size = max(1, size)
            self.name = name
        }
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Int, any Error>
    }

    private struct State {
        var idle: [Int]
        var waiters: [Waiter] = []
        var cancelledWaiters: Set<UInt64> = []
        var nextWaiterID: UInt64 = 0
        var isClosed = false
        var leases: UInt64 = 0
        var waits: UInt64 = 0
        var waitNanoseconds: UInt64 = 0
    }

    public let configuration: Configuration
    private let sessions: [PostgresSession]
    private let state: Mutex<State>
    private let logger: Logger

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.sessions = (0..<configuration.size).map { index in
            PostgresSession(configuration: configuration.connection, logger: logger, name: "\(configuration.name)-\(index)")
        }
        self.state = Mutex(State(idle: Array((0..<configuration.size).reversed())))
    }

    /// Runs `body` with a pooled connection on that connection's thread.
    /// - Throws: what `body` throws; ``PostgresError`` with code `poolClosed` after ``close()``;
    ///   `CancellationError` when the task is cancelled while waiting or running.
    @discardableResult
    public func withConnection<R: Sendable>(_ body: @Sendable (PostgresConnection) throws -> R) async throws -> R {
        let index = try await lease()
        defer { release(index) }
        return try await sessions[index].withConnection(body)
    }

    /// Runs `body` in a transaction on a pooled connection: committed when it returns, rolled
    /// back when it throws.
    @discardableResult
    public func withTransaction<R: Sendable>(
        isolation: PostgresIsolationLevel = .readCommitted,
        readOnly: Bool = false,
        _ body: @Sendable (PostgresConnection) throws -> R
    ) async throws -> R {
        try await withConnection { connection in
            try connection.transaction(isolation: isolation, readOnly: readOnly, body)
        }
    }

    /// Waits for graceful shutdown (or cancellation), then closes the pool.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// Closes the pool: waiting callers fail with `poolClosed`, connections in use close when
    /// their work ends, idle ones close now.
    public func close() async {
        let waiters = state.withLock { state in
            state.isClosed = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters {
            waiter.continuation.resume(throwing: PostgresError(code: .poolClosed, reason: "the connection pool is closed"))
        }
        for session in sessions { await session.close() }
    }

    /// Connections currently lent out, for gauges and tests.
    public var leasedCount: Int {
        state.withLock { configuration.size - $0.idle.count }
    }

    /// Callers waiting for a connection, for gauges and tests.
    public var waitingCount: Int {
        state.withLock { $0.waiters.count }
    }

    /// The pool's counts since it was made, for metrics.
    public var statistics: PostgresPoolStatistics {
        state.withLock { state in
            PostgresPoolStatistics(
                size: configuration.size, leased: configuration.size - state.idle.count, waiting: state.waiters.count,
                leases: state.leases, waits: state.waits, waitSeconds: Double(state.waitNanoseconds) / 1e9)
        }
    }

    // MARK: Leasing

    private func lease() async throws -> Int {
        let id = state.withLock { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        defer { state.withLock { _ = $0.cancelledWaiters.remove(id) } }
        let asked = ContinuousClock.now
        let index = try await waitForConnection(id: id)
        let waited = ContinuousClock.now - asked
        state.withLock { state in
            state.leases += 1
            // Leased at once costs microseconds; anything over a millisecond was a wait in line.
            if waited > .milliseconds(1) {
                state.waits += 1
                state.waitNanoseconds += UInt64(max(0, waited.wholeNanoseconds))
            }
        }
        return index
    }

    private func waitForConnection(id: UInt64) async throws -> Int {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
                enum Outcome { case leased(Int), closed, cancelled, waiting }
                let outcome = state.withLock { state -> Outcome in
                    if state.isClosed { return .closed }
                    if state.cancelledWaiters.remove(id) != nil { return .cancelled }
                    if state.waiters.isEmpty, let index = state.idle.popLast() { return .leased(index) }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return .waiting
                }
                switch outcome {
                case .leased(let index): continuation.resume(returning: index)
                case .closed: continuation.resume(throwing: PostgresError(code: .poolClosed, reason: "the connection pool is closed"))
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .waiting: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                if let position = state.waiters.firstIndex(where: { $0.id == id }) {
                    return state.waiters.remove(at: position)
                }
                state.cancelledWaiters.insert(id)
                return nil
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    private func release(_ index: Int) {
        let waiter = state.withLock { state -> Waiter? in
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.idle.append(index)
            return nil
        }
        waiter?.continuation.resume(returning: index)
    }
}
