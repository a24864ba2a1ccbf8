internal import CLibPQ

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

extension PostgresConnection {
    /// Sends all statements in one pipeline, ending with one sync, and returns each one's rows.
    ///
    /// Outside an explicit transaction the pipeline is one implicit transaction: if any
    /// statement fails, none of them takes effect. Inside a transaction, the failure aborts
    /// the transaction as a failing statement would.
    /// - Throws: the first failing statement's ``PostgresError``, with ``PostgresError/batchIndex``
    ///   set to its position in `queries`.
    public func pipeline(_ queries: [PostgresQuery]) throws -> [PostgresRows] {
        try runPipeline(statementCount: queries.count, prepare: nil) { index in
            let query = queries[index]
            return query.binds.withLibPQArrays { types, values, lengths, formats in
                PQsendQueryParams(raw, query.sql, Int32(query.binds.count), types, values, lengths, formats, 0)
            }
        }
    }

    /// Prepares `sql` once and runs it with each set of bindings, in one pipeline with one sync.
    /// The parameter types are taken from the first set. All-or-nothing as ``pipeline(_:)``.
    /// - Throws: the first failing statement's error, with ``PostgresError/batchIndex`` set to
    ///   the index of its bindings.
    public func pipeline(_ sql: String, bindings: [PostgresBindings]) throws -> [PostgresRows] {
        guard let first = bindings.first else { return [] }
        let types = first.binds.map(\.type.oid)
        return try runPipeline(
            statementCount: bindings.count,
            prepare: { PQsendPrepare(self.raw, "", sql, Int32(types.count), types) }
        ) { index in
            bindings[index].withLibPQArrays { _, values, lengths, formats in
                PQsendQueryPrepared(raw, "", Int32(bindings[index].count), values, lengths, formats, 0)
            }
        }
    }

    private func runPipeline(
        statementCount: Int,
        prepare: (() -> Int32)?,
        send: (Int) -> Int32
    ) throws -> [PostgresRows] {
        guard statementCount > 0 else { return [] }
        try interrupt.begin()
        defer { interrupt.end() }
        guard PQenterPipelineMode(raw) == 1 else { throw connectionError() }
        PQsetnonblocking(raw, 1)
        defer {
            PQsetnonblocking(raw, 0)
            PQexitPipelineMode(raw)
        }
        let offset = prepare == nil ? 0 : 1
        var reader = PipelineReader(statementCount: statementCount, offset: offset)
        if let prepare {
            guard prepare() == 1 else { throw connectionError() }
            reader.sent += 1
        }
        for index in 0..<statementCount {
            guard send(index) == 1 else { throw connectionError() }
            reader.sent += 1
            // Read what has come back now and then, so neither side's buffers fill up.
            if index % 256 == 255 { try pump(&reader, wait: false) }
        }
        guard PQpipelineSync(raw) == 1 else { throw connectionError() }
        reader.sent += 1
        while !reader.isDone { try pump(&reader, wait: true) }
        if let error = reader.firstError { throw error }
        return reader.rows
    }

    /// Flushes what is queued, optionally waits for the socket, and takes every result that is ready.
    private func pump(_ reader: inout PipelineReader, wait: Bool) throws {
        let flushed = PQflush(raw)
        guard flushed >= 0 else { throw connectionError() }
        if wait {
            var events = Int16(POLLIN)
            if flushed == 1 { events |= Int16(POLLOUT) }
            var descriptor = pollfd(fd: PQsocket(raw), events: events, revents: 0)
            while poll(&descriptor, 1, -1) < 0 && errno == EINTR {}
        }
        guard PQconsumeInput(raw) == 1 else { throw connectionError() }
        while reader.completed < reader.sent, PQisBusy(raw) == 0 {
            let result = PQgetResult(raw)
            reader.take(result, connection: self)
            if let result { PQclear(result) }
        }
    }
}

/// Tracks the results of a pipeline: each command yields its results then a NULL; the sync
/// yields `PGRES_PIPELINE_SYNC`.
struct PipelineReader {
    /// 1 when a prepare precedes the statements, else 0.
    let offset: Int
    var sent = 0
    var completed = 0
    var rows: [PostgresRows]
    var firstError: (any Error)?
    private(set) var isDone = false

    init(statementCount: Int, offset: Int) {
        self.offset = offset
        self.rows = Array(repeating: .empty, count: statementCount)
    }

    mutating func take(_ result: OpaquePointer?, connection: PostgresConnection) {
        guard let result else {
            completed += 1
            return
        }
        let statement = completed - offset
        switch PQresultStatus(result) {
        case PGRES_PIPELINE_SYNC:
            completed += 1
            isDone = true
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            if statement >= 0 { rows[statement] = PostgresConnection.rows(from: result) }
        case PGRES_PIPELINE_ABORTED:
            break
        default:
            if firstError == nil {
                firstError = connection.error(from: result, batchIndex: statement >= 0 ? statement : nil)
            }
        }
    }
}
