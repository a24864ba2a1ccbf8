internal import CLibPQ

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

extension PostgresConnection {
    /// Sends all statements in one pipeline, ending with one sync, and returns each one's rows.
    /// A statement that plans is sent by the name it is prepared under (prepared within the
    /// same pipeline on its first use).
    ///
    /// Outside an explicit transaction the pipeline is one implicit transaction: if any
    /// statement fails, none of them takes effect. Inside a transaction, the failure aborts
    /// the transaction as a failing statement would.
    /// - Throws: the first failing statement's ``PostgresError``, with ``PostgresError/batchIndex``
    ///   set to its position in `queries`.
    public func pipeline(_ queries: [PostgresQuery]) throws -> [PostgresRows] {
        let keys = queries.map { query in query.mayPrepare ? statements.key(query.sql, query.binds) : nil }
        return try runPipeline(keys: keys) { index, name in
            let query = queries[index]
            return query.binds.withLibPQArrays { types, values, lengths, formats in
                if let name { return PQsendQueryPrepared(raw, name, Int32(query.binds.count), values, lengths, formats, 0) }
                return PQsendQueryParams(raw, query.sql, Int32(query.binds.count), types, values, lengths, formats, 0)
            }
        }
    }

    /// Runs `sql` with each set of bindings, in one pipeline with one sync: prepared once (by
    /// name, kept for the next call, unless preparing is off) and executed for each. The
    /// parameter types are taken from the first set. All-or-nothing as ``pipeline(_:)``.
    /// - Throws: the first failing statement's error, with ``PostgresError/batchIndex`` set to
    ///   the index of its bindings.
    public func pipeline(_ sql: String, bindings: [PostgresBindings]) throws -> [PostgresRows] {
        guard let first = bindings.first else { return [] }
        let key = PreparedStatementCache.Key(sql: sql, types: first.binds.map(\.type.oid))
        // Unnamed when preparing is off or the statement takes an array: prepared once for this
        // pipeline all the same.
        let keys = Array(repeating: Optional(key), count: bindings.count)
        return try runPipeline(keys: keys, unnamed: !statements.keeps(first)) { index, name in
            bindings[index].withLibPQArrays { _, values, lengths, formats in
                PQsendQueryPrepared(raw, name ?? "", Int32(bindings[index].count), values, lengths, formats, 0)
            }
        }
    }

    /// Sends the statements, each preceded by the prepare of its key when this connection
    /// has not prepared it yet; records the prepares that succeeded.
    private func runPipeline(
        keys: [PreparedStatementCache.Key?], unnamed: Bool = false, send: (Int, String?) -> Int32
    ) throws -> [PostgresRows] {
        guard !keys.isEmpty else { return [] }
        try interrupt.begin()
        defer { interrupt.end() }
        releaseStale()
        // The names of this pipeline: known ones, and new ones with their prepare sent first.
        var names: [PreparedStatementCache.Key: String] = [:]
        var preparing: [(key: PreparedStatementCache.Key, name: PreparedStatementCache.Name)] = []
        guard PQenterPipelineMode(raw) == 1 else { throw connectionError() }
        PQsetnonblocking(raw, 1)
        var reader = PipelineReader(statementCount: keys.count)
        let outcome: Result<[PostgresRows], any Error> = Result {
            for (index, key) in keys.enumerated() {
                var name: String?
                if let key {
                    if let known = names[key] ?? (unnamed ? nil : statements.name(for: key)?.text) {
                        name = known
                    } else {
                        let fresh = unnamed ? PreparedStatementCache.Name("") : statements.newName()
                        guard PQsendPrepare(raw, fresh.text, key.sql, Int32(key.types.count), key.types) == 1 else { throw connectionError() }
                        reader.sent(.prepare(preparing.count, for: index))
                        preparing.append((key, fresh))
                        name = fresh.text
                    }
                    names[key] = name
                }
                guard send(index, name) == 1 else { throw connectionError() }
                reader.sent(.statement(index))
                // Read what has come back now and then, so neither side's buffers fill up.
                if index % 256 == 255 { try pump(&reader, wait: false) }
            }
            guard PQpipelineSync(raw) == 1 else { throw connectionError() }
            reader.sent(.sync)
            while !reader.isDone { try pump(&reader, wait: true) }
            if let error = reader.firstError { throw error }
            return reader.rows
        }
        PQsetnonblocking(raw, 0)
        PQexitPipelineMode(raw)
        var evicted: [String] = []
        for (index, prepared) in preparing.enumerated() where !unnamed && reader.prepared.contains(index) {
            if let name = statements.insert(prepared.key, name: prepared.name) { evicted.append(name) }
        }
        if case .failure(let error as PostgresError) = outcome, Self.needsPreparingAgain(error),
           let index = error.batchIndex, let key = keys[index] {
            forget(key, after: error)
        }
        deallocate(evicted)
        return try outcome.get()
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
        while reader.isWaiting, PQisBusy(raw) == 0 {
            let result = PQgetResult(raw)
            reader.take(result, connection: self)
            if let result { PQclear(result) }
        }
    }
}

/// Tracks the results of a pipeline, command by command: a statement or a prepare yields its
/// results then a NULL; the sync yields `PGRES_PIPELINE_SYNC`.
struct PipelineReader {
    enum Command {
        case statement(Int)
        /// The prepare's order among the pipeline's prepares, and the statement it serves.
        case prepare(Int, for: Int)
        case sync
    }

    private var commands: [Command] = []
    private var completed = 0
    var rows: [PostgresRows]
    /// The prepares (by their order in the pipeline) that succeeded.
    var prepared: Set<Int> = []
    var firstError: (any Error)?
    private(set) var isDone = false
    /// Columns and tags shared from one result to the next; no spare buffer, since the
    /// pipeline keeps every result.
    private var reuse = ResultReuse()

    init(statementCount: Int) {
        self.rows = Array(repeating: .empty, count: statementCount)
    }

    mutating func sent(_ command: Command) { commands.append(command) }

    var isWaiting: Bool { completed < commands.count }

    mutating func take(_ result: OpaquePointer?, connection: PostgresConnection) {
        guard let result else {
            completed += 1
            return
        }
        let command = commands[completed]
        switch PQresultStatus(result) {
        case PGRES_PIPELINE_SYNC:
            completed += 1
            isDone = true
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            switch command {
            case .statement(let index): rows[index] = PostgresConnection.rows(from: result, sharing: &reuse)
            case .prepare(let index, _): prepared.insert(index)
            case .sync: break
            }
        case PGRES_PIPELINE_ABORTED:
            break
        default:
            if firstError == nil {
                var index: Int?
                switch command {
                case .statement(let statement), .prepare(_, for: let statement): index = statement
                case .sync: break
                }
                firstError = connection.error(from: result, batchIndex: index)
            }
        }
    }
}
