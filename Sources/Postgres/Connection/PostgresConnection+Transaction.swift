/// The isolation level of a transaction.
public enum PostgresIsolationLevel: String, Sendable, CaseIterable {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"
}

extension PostgresConnection {
    /// Runs `body` in a transaction: `COMMIT` when it returns, `ROLLBACK` when it throws.
    ///
    /// - Parameters:
    ///   - isolation: the isolation level; default read committed.
    ///   - readOnly: start a `READ ONLY` transaction.
    /// - Throws: what `body` throws, or the error of `BEGIN`/`COMMIT` (a serialization failure
    ///   surfaces at commit). Beginning inside a transaction is an error: use ``savepoint(_:)``.
    @discardableResult
    public func transaction<R>(
        isolation: PostgresIsolationLevel = .readCommitted,
        readOnly: Bool = false,
        _ body: (PostgresConnection) throws -> R
    ) throws -> R {
        guard transactionStatus == .idle else {
            throw PostgresError(code: .transactionState, reason: "a transaction is already open; use a savepoint")
        }
        try executeScript("BEGIN ISOLATION LEVEL \(isolation.rawValue)\(readOnly ? " READ ONLY" : "")")
        let value: R
        do {
            value = try body(self)
        } catch {
            rollBackQuietly()
            throw error
        }
        do {
            try executeScript("COMMIT")
        } catch {
            rollBackQuietly()
            throw error
        }
        return value
    }

    /// Runs `body` inside a savepoint of the open transaction: released when it returns,
    /// rolled back to (leaving the outer transaction usable) when it throws.
    @discardableResult
    public func savepoint<R>(_ body: (PostgresConnection) throws -> R) throws -> R {
        guard transactionStatus == .inTransaction else {
            throw PostgresError(code: .transactionState, reason: "a savepoint needs an open, healthy transaction")
        }
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        let name = "pg_savepoint_\(savepointDepth)"
        try executeScript("SAVEPOINT \(name)")
        do {
            let value = try body(self)
            try executeScript("RELEASE SAVEPOINT \(name)")
            return value
        } catch {
            if isConnected { try? executeControl("ROLLBACK TO SAVEPOINT \(name); RELEASE SAVEPOINT \(name)") }
            throw error
        }
    }

    /// Rolls back, ignoring errors: the connection may be broken, and the caller's error matters more.
    func rollBackQuietly() {
        guard isConnected, transactionStatus != .idle else { return }
        try? executeControl("ROLLBACK")
    }
}
