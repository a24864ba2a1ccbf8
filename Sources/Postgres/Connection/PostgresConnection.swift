internal import CLibPQ
internal import Logging

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// One open libpq connection (`PGconn`).
///
/// **Threading contract.** Deliberately not `Sendable`. libpq allows one thread at a time per
/// connection, and every call here blocks its thread until the server answers. A
/// `PostgresConnection` is therefore created, used and closed on one dedicated thread: the
/// thread of the ``PostgresSession`` that owns it (you receive it as the argument of
/// ``PostgresSession/withConnection(_:)`` or ``PostgresClient/withConnection(_:)``) or the
/// listener's own thread. It never runs on Swift's cooperative thread pool or a NIO event
/// loop, and it cannot escape the closure it is lent to.
///
/// Every statement is parameterized; see ``PostgresQuery``. A statement that plans (SELECT,
/// INSERT, UPDATE, DELETE, WITH …) is prepared by name on its first use and executed by name
/// after that (``PreparedStatementCache``), in pipelines too.
public final class PostgresConnection {
    let raw: OpaquePointer
    let logger: Logger
    let interrupt: PostgresInterrupt
    private let noticeSink: PostgresNoticeSink
    var savepointDepth = 0
    var statements: PreparedStatementCache
    /// What the next result may share with the last one (``rows(from:sharing:)``).
    var lastResult = ResultReuse(spare: [])

    /// The server process serving this connection (`pg_backend_pid()`).
    public let backendPID: Int32

    /// Connects and prepares the session (date and interval styles, timeouts, search path).
    /// Blocks the calling thread: call it only on the thread that will own the connection.
    init(configuration: PostgresConfiguration, logger: Logger, interrupt: PostgresInterrupt = PostgresInterrupt()) throws {
        let pairs = configuration.connectParameters
        let connection = withCStringArray(pairs.map(\.0)) { keywords in
            withCStringArray(pairs.map(\.1)) { values in PQconnectdbParams(keywords, values, 1) }
        }
        guard let connection else {
            throw PostgresError(code: .connectionFailed, reason: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.errorMessage(of: connection)
            PQfinish(connection)
            let reason = PostgresConfiguration.redactPassword(in: message, conninfo: configuration.conninfo)
            throw PostgresError(code: .connectionFailed, reason: "cannot connect to \(configuration.summary): \(reason)")
        }
        self.raw = connection
        self.logger = logger
        self.interrupt = interrupt
        self.backendPID = PQbackendPID(connection)
        self.noticeSink = PostgresNoticeSink(logger: logger)
        self.statements = PreparedStatementCache(capacity: configuration.options.statementCacheSize)
        PQsetNoticeReceiver(connection, postgresNoticeReceiver, Unmanaged.passUnretained(noticeSink).toOpaque())
        interrupt.attach(PostgresCanceller(connection: connection))
        try setUpSession(configuration.options)
    }

    deinit {
        interrupt.attach(nil)
        PQfinish(raw)
    }

    private func setUpSession(_ options: PostgresConfiguration.Options) throws {
        var settings: [(String, String)] = [("DateStyle", "ISO, YMD"), ("IntervalStyle", "iso_8601")]
        if let timeout = options.statementTimeout { settings.append(("statement_timeout", "\(timeout.wholeMilliseconds)ms")) }
        if let timeout = options.lockTimeout { settings.append(("lock_timeout", "\(timeout.wholeMilliseconds)ms")) }
        if let jit = options.jit { settings.append(("jit", jit ? "on" : "off")) }
        if let path = options.searchPath {
            settings.append(("search_path", path.map(PostgresQuery.quoteIdentifier).joined(separator: ", ")))
        }
        var binds = PostgresBindings()
        var calls: [String] = []
        for (name, value) in settings {
            binds.append(name)
            binds.append(value)
            calls.append("set_config($\(binds.count - 1), $\(binds.count), false)")
        }
        try query(PostgresQuery(unsafeSQL: "SELECT " + calls.joined(separator: ", "), binds: binds).oneOff)
    }

    // MARK: Statements

    /// Runs one statement and returns its rows.
    /// - Throws: ``PostgresError`` (server error, lost connection) or `CancellationError` when the
    ///   task running this unit of work was cancelled.
    @discardableResult
    public func query(_ query: PostgresQuery) throws -> PostgresRows {
        try interrupt.begin()
        defer { interrupt.end() }
        guard query.mayPrepare, let (key, name) = statements.statement(query.sql, query.binds) else {
            let result = query.binds.withLibPQArrays { types, values, lengths, formats in
                PQexecParams(raw, query.sql, Int32(query.binds.count), types, values, lengths, formats, 0)
            }
            return try consume(result)
        }
        return try queryPrepared(query, key: key, name: name)
    }

    /// Runs one statement and returns the number of rows it affected.
    @discardableResult
    public func execute(_ statement: PostgresQuery) throws -> Int {
        try query(statement).affectedRows
    }

    /// Runs a script of several statements separated by semicolons, with no parameters
    /// (simple query protocol). For migrations and set-up; use ``query(_:)`` for anything with values.
    public func executeScript(_ sql: String) throws {
        try interrupt.begin()
        defer { interrupt.end() }
        _ = try consume(PQexec(raw, sql))
    }

    /// Runs a transaction-control statement (`ROLLBACK`, ...) even after the unit of work was
    /// cancelled: cleaning up must not be refused.
    func executeControl(_ sql: String) throws {
        _ = try consume(PQexec(raw, sql))
    }

    // MARK: State

    /// The transaction state libpq reports for this connection.
    public var transactionStatus: PostgresTransactionStatus {
        switch PQtransactionStatus(raw) {
        case PQTRANS_IDLE: .idle
        case PQTRANS_INTRANS: .inTransaction
        case PQTRANS_INERROR: .failed
        case PQTRANS_ACTIVE: .active
        default: .unknown
        }
    }

    /// False once libpq has seen the connection break.
    public var isConnected: Bool { PQstatus(raw) == CONNECTION_OK }

    /// Checks an idle connection without a round trip: if the server has closed it (backend
    /// terminated, server restarted), its socket is readable and reading reports the loss.
    /// Any stray notifications are discarded.
    func isHealthyWhileIdle() -> Bool {
        guard isConnected else { return false }
        // A terminated backend sends its FATAL message and closes the socket; libpq sees the
        // end of the stream only on a later read, so keep reading while there is input.
        var descriptor = pollfd(fd: PQsocket(raw), events: Int16(POLLIN), revents: 0)
        var reads = 0
        while reads < 8, poll(&descriptor, 1, 0) > 0 {
            if PQconsumeInput(raw) == 0 { return false }
            while let notification = PQnotifies(raw) { PQfreemem(notification) }
            reads += 1
        }
        return isConnected
    }
}

/// The transaction state of a connection, as libpq reports it.
public enum PostgresTransactionStatus: Sendable, Equatable {
    case idle, inTransaction, failed, active, unknown
}

/// Calls `body` with a NULL-terminated array of C strings that live for the call.
func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let pointers = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    let array: [UnsafePointer<CChar>?] = pointers.map { UnsafePointer($0) } + [nil]
    return array.withUnsafeBufferPointer { body($0.baseAddress!) }
}
