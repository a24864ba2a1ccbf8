extension PostgresConnection {
    /// Runs `body` holding the session advisory lock named `key` (hashed with
    /// `hashtextextended`), waiting for it if another session holds it. The lock is released
    /// when `body` returns or throws, and by the server if the connection is lost.
    public func withAdvisoryLock<R>(_ key: String, _ body: () throws -> R) throws -> R {
        try query("SELECT pg_advisory_lock(hashtextextended(\(key), 0))")
        defer { releaseAdvisoryLock(key) }
        return try body()
    }

    /// Runs `body` holding the session advisory lock named `key` if no other session holds it;
    /// returns nil without running it otherwise.
    public func withAdvisoryLockIfFree<R>(_ key: String, _ body: () throws -> R) throws -> R? {
        guard try query("SELECT pg_try_advisory_lock(hashtextextended(\(key), 0))").scalar(Bool.self) == true else { return nil }
        defer { releaseAdvisoryLock(key) }
        return try body()
    }

    /// Releases even after a cancellation: an unlock must not be refused.
    private func releaseAdvisoryLock(_ key: String) {
        _ = try? executeControl("SELECT pg_advisory_unlock(hashtextextended(\(PostgresQuery.quoteLiteral(key)), 0))")
    }
}
