internal import CLibPQ

extension PostgresConnection {
    /// Runs `query` by the name it is prepared under, preparing it first if this connection
    /// has not. When the server no longer holds the statement (`DEALLOCATE ALL`) or its plan's
    /// result type went stale (a column added to a table it reads), it is prepared again and
    /// run once more, if no transaction was open (inside one, the transaction is aborted as
    /// by any failing statement; the next use prepares afresh).
    /// `name`: the name it is known to be prepared under, when the caller has it.
    func queryPrepared(_ query: PostgresQuery, key: PreparedStatementCache.Key, name: PreparedStatementCache.Name? = nil) throws -> PostgresRows {
        do {
            return try execute(key, name: name, binds: query.binds)
        } catch let error as PostgresError where Self.needsPreparingAgain(error) && transactionStatus == .idle {
            return try execute(key, name: nil, binds: query.binds)
        }
    }

    private func execute(_ key: PreparedStatementCache.Key, name known: PreparedStatementCache.Name?, binds: PostgresBindings) throws -> PostgresRows {
        let name = try known ?? preparedName(for: key)
        let result = name.cString.withUnsafeBufferPointer { name in
            binds.withLibPQArrays { _, values, lengths, formats in
                PQexecPrepared(raw, name.baseAddress, Int32(binds.count), values, lengths, formats, 0)
            }
        }
        do {
            return try consume(result)
        } catch let error as PostgresError where Self.needsPreparingAgain(error) {
            forget(key, after: error)
            throw error
        }
    }

    /// The name `key` is prepared under on this connection, preparing it now if it is not.
    func preparedName(for key: PreparedStatementCache.Key) throws -> PreparedStatementCache.Name {
        if let name = statements.name(for: key) { return name }
        releaseStale()
        let name = statements.newName()
        _ = try consume(PQprepare(raw, name.text, key.sql, Int32(key.types.count), key.types))
        if let evicted = statements.insert(key, name: name) { deallocate([evicted]) }
        return name
    }

    /// After a statement failed for its prepared state: a stale plan is forgotten (its name
    /// deallocated later); a statement the server no longer knows means it forgot them all.
    func forget(_ key: PreparedStatementCache.Key, after error: PostgresError) {
        if error.sqlState?.rawValue == "26000" { statements.removeAll() } else { statements.invalidate(key) }
    }

    /// `cached plan must not change result type` (0A000 with that message), or `prepared
    /// statement does not exist` (26000).
    static func needsPreparingAgain(_ error: PostgresError) -> Bool {
        switch error.sqlState?.rawValue {
        case "26000": true
        case "0A000": error.message?.contains("cached plan must not change result type") == true
        default: false
        }
    }

    /// Deallocates the statements that lost their key, when the connection is between
    /// statements and its transaction (if any) is healthy.
    func releaseStale() {
        guard !statements.stale.isEmpty, transactionStatus == .idle || transactionStatus == .inTransaction else { return }
        deallocate(statements.takeStale())
    }

    /// `DEALLOCATE` for each name; a failure (the server already forgot it) is ignored, and an
    /// aborted transaction is not touched.
    func deallocate(_ names: [String]) {
        guard transactionStatus == .idle || transactionStatus == .inTransaction else { return }
        for name in names {
            if let result = PQexec(raw, "DEALLOCATE \(PostgresQuery.quoteIdentifier(name))") { PQclear(result) }
        }
    }
}
