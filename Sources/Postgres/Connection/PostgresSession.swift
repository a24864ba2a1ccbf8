public import Logging

/// An actor that owns one PostgreSQL connection on its own OS thread.
///
/// **Threading contract.** The actor's executor is a dedicated thread, so the blocking libpq
/// calls made inside ``withConnection(_:)`` run there, one unit of work at a time, and never
/// on Swift's cooperative pool or a NIO event loop. Call it from any task; do all the
/// statements of one unit of work inside one closure, since every `await` into the session
/// costs two thread hops.
///
/// The connection is opened on first use, checked before each use (a backend that was
/// terminated while idle is noticed without a round trip), and replaced when it is broken.
/// Cancelling the calling task cancels the running statement on the server.
public actor PostgresSession {
    private let executor: DedicatedThreadExecutor
    private let interrupt = PostgresInterrupt()
    private var connection: PostgresConnection?
    private var isClosed = false
    private var logger: Logger

    /// The configuration the session connects with.
    public nonisolated let configuration: PostgresConfiguration

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// Makes a session; it connects on first use. `name` names the thread (for debuggers and `top -H`).
    public init(configuration: PostgresConfiguration, logger: Logger, name: String = "postgres") {
        self.configuration = configuration
        self.logger = logger
        self.executor = DedicatedThreadExecutor(name: name)
    }

    deinit { executor.shutdown() }

    /// Runs `body` with the connection, on the session's thread.
    ///
    /// If `body` leaves a transaction open, it is rolled back. If the connection broke, the
    /// next call connects again.
    /// - Throws: what `body` throws; ``PostgresError`` if no connection can be had;
    ///   `CancellationError` if the task is cancelled (the running statement is cancelled too).
    @discardableResult
    public nonisolated func withConnection<R: Sendable>(
        _ body: @Sendable (PostgresConnection) throws -> R
    ) async throws -> R {
        try Task.checkCancellation()
        return try await withTaskCancellationHandler {
            try await self.run(body)
        } onCancel: {
            self.interrupt.cancel()
        }
    }

    /// Closes the connection. Later calls throw ``PostgresError/Code/poolClosed``.
    public func close() {
        isClosed = true
        connection = nil
    }

    /// The backend process of the open connection, if one is open.
    public var backendPID: Int32? { connection?.backendPID }

    private func run<R: Sendable>(_ body: @Sendable (PostgresConnection) throws -> R) throws -> R {
        interrupt.reset()
        if Task.isCancelled { throw CancellationError() }
        let connection = try openConnection()
        defer { settle(connection) }
        return try body(connection)
    }

    private func openConnection() throws -> PostgresConnection {
        guard !isClosed else { throw PostgresError(code: .poolClosed, reason: "the session is closed") }
        if let connection {
            if connection.isHealthyWhileIdle() { return connection }
            logger.info("postgres connection lost while idle; reconnecting", metadata: ["db.backend_pid": "\(connection.backendPID)"])
            self.connection = nil
        }
        let fresh = try PostgresConnection(configuration: configuration, logger: logger, interrupt: interrupt)
        connection = fresh
        return fresh
    }

    /// After a unit of work: drop a broken connection, roll back a transaction left open.
    private func settle(_ used: PostgresConnection) {
        guard used.isConnected else {
            connection = nil
            return
        }
        if used.transactionStatus != .idle {
            logger.warning("a unit of work left a transaction open; rolling it back")
            do { try used.executeControl("ROLLBACK") } catch { connection = nil }
        }
    }
}
