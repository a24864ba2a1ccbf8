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

    // MARK: Results

    /// Turns a `PGresult` into rows or an error, and frees it.
    func consume(_ result: OpaquePointer?) throws -> PostgresRows {
        guard let result else { throw connectionError() }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY, PGRES_SINGLE_TUPLE:
            return Self.rows(from: result)
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
            throw error(from: result)
        default:
            throw PostgresError(code: .protocolViolation, reason: "unexpected result status \(PQresultStatus(result).rawValue)")
        }
    }

    /// The error a failed result describes, or `CancellationError` if this unit of work was
    /// cancelled and the server says the statement was cancelled. `batchIndex` is the failing
    /// statement's position in a pipeline.
    func error(from result: OpaquePointer, batchIndex: Int? = nil) -> any Error {
        var error = Self.serverError(from: result)
        if error.sqlState == .queryCanceled, interrupt.wasCancelled { return CancellationError() }
        error.batchIndex = batchIndex
        if !isConnected {
            error.code = .connectionLost
            error.reason = "the connection was lost (\(error.reason))"
        }
        return error
    }

    /// The error for a call that returned no result: the connection is gone, or libpq failed locally.
    func connectionError() -> PostgresError {
        let message = Self.errorMessage(of: raw)
        if !isConnected { return PostgresError(code: .connectionLost, reason: "the connection was lost: \(message)") }
        return PostgresError(code: .protocolViolation, reason: message)
    }

    static func errorMessage(of connection: OpaquePointer) -> String {
        guard let message = PQerrorMessage(connection) else { return "unknown error" }
        let text = String(cString: message).split(whereSeparator: \.isNewline).first.map(String.init)
        return text?.isEmpty == false ? text! : "unknown error"
    }

    static func serverError(from result: OpaquePointer) -> PostgresError {
        func field(_ code: Int32) -> String? {
            guard let value = PQresultErrorField(result, code) else { return nil }
            return String(cString: value)
        }
        let state = field(CLIBPQ_DIAG_SQLSTATE).map(SQLState.init(rawValue:))
        let message = field(CLIBPQ_DIAG_MESSAGE_PRIMARY)
        let reason: String
        if let state, state.messageIsSafe, let message {
            reason = message
        } else {
            reason = state?.name.map { $0.replacingUnderscores } ?? "the server reported an error"
        }
        var error = PostgresError(code: .server, reason: reason, sqlState: state)
        error.message = message
        error.detail = field(CLIBPQ_DIAG_MESSAGE_DETAIL)
        error.hint = field(CLIBPQ_DIAG_MESSAGE_HINT)
        error.context = field(CLIBPQ_DIAG_CONTEXT)
        error.schemaName = field(CLIBPQ_DIAG_SCHEMA_NAME)
        error.tableName = field(CLIBPQ_DIAG_TABLE_NAME)
        error.columnName = field(CLIBPQ_DIAG_COLUMN_NAME)
        error.constraintName = field(CLIBPQ_DIAG_CONSTRAINT_NAME)
        return error
    }

    /// Copies a result's rows into one buffer.
    static func rows(from result: OpaquePointer) -> PostgresRows {
        let rowCount = Int(PQntuples(result))
        let fieldCount = Int(PQnfields(result))
        var columns: [PostgresRows.Column] = []
        columns.reserveCapacity(fieldCount)
        for field in 0..<Int32(fieldCount) {
            let name = PQfname(result, field).map { String(cString: $0) } ?? "?column?"
            columns.append(.init(name: name, type: PostgresDataType(oid: PQftype(result, field))))
        }
        // One buffer, one allocation (``PostgresRows/storage``): the spans, then the cells'
        // bytes; the lengths are summed first, so that it is made at its size. Cell c is row
        // c / fieldCount, field c % fieldCount. (The spans were an [Int32] of their own; making
        // an array looks up its generic metadata in the Swift runtime every time, and the
        // [Int32] was 9 % of the client's user time at eight clients.)
        let cellCount = rowCount * fieldCount
        func position(_ cell: Int) -> (row: Int32, field: Int32) { (Int32(cell / fieldCount), Int32(cell % fieldCount)) }
        var total = PostgresRows.spanBytes * cellCount
        for cell in 0..<cellCount {
            let (row, field) = position(cell)
            total += Int(PQgetlength(result, row, field))  // 0 for NULL
        }
        let storage = cellCount == 0 ? [] : [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            let base = UnsafeMutableRawPointer(buffer.baseAddress!)
            var offset = PostgresRows.spanBytes * cellCount
            for cell in 0..<cellCount {
                let (row, field) = position(cell)
                let length = Int(PQgetlength(result, row, field))
                PostgresRows.storeSpan(of: cell, start: offset, length: PQgetisnull(result, row, field) == 1 ? -1 : length, into: base)
                if length > 0, let value = PQgetvalue(result, row, field) {
                    (base + offset).copyMemory(from: value, byteCount: length)
                }
                offset += length
            }
            initialized = total
        }
        let tag = PQcmdStatus(result).map { String(cString: $0) } ?? ""
        let affected = PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? rowCount
        return PostgresRows(columns: columns, affectedRows: affected, commandTag: tag, storage: storage, rowCount: rowCount)
    }
}

/// The transaction state of a connection, as libpq reports it.
public enum PostgresTransactionStatus: Sendable, Equatable {
    case idle, inTransaction, failed, active, unknown
}

extension String {
    fileprivate var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}

/// Calls `body` with a NULL-terminated array of C strings that live for the call.
func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let pointers = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    let array: [UnsafePointer<CChar>?] = pointers.map { UnsafePointer($0) } + [nil]
    return array.withUnsafeBufferPointer { body($0.baseAddress!) }
}
