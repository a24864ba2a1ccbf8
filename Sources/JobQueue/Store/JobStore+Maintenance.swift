public import Foundation
public import Postgres

/// What one staging pass did.
public struct StagingResult: Sendable, Equatable {
    /// Scheduled jobs that fell due and became available.
    public let staged: Int
    /// When the next scheduled job falls due, if any.
    public let nextDue: Date?
}

extension JobStore {
    /// Puts back jobs whose lease ran out (their worker died or lost its connection): available
    /// again, or dead when their attempts are used up. The CTE locks only rows still running
    /// with an expired lease (rechecked after the lock), so a job completed or renewed
    /// meanwhile is left alone; the update then finds the locked rows by primary key.
    /// - Returns: how many were made available and how many dead.
    public func rescueExpired(limit: Int = 1000, on connection: PostgresConnection) throws -> (available: Int, dead: Int) {
        let row = try connection.query(
            """
            WITH lost AS (
                SELECT id FROM \(unsafe: jobs)
                WHERE state = 'running' AND lease_until < now()
                ORDER BY lease_until
                LIMIT \(limit)
                FOR NO KEY UPDATE SKIP LOCKED
            ), rescued AS (
                UPDATE \(unsafe: jobs) AS j
                SET state = (CASE WHEN j.attempt >= j.max_attempts THEN 'dead' ELSE 'available' END)::\(unsafe: jobState),
                    finished_at = CASE WHEN j.attempt >= j.max_attempts THEN now() END,
                    last_error = 'the worker stopped renewing its lease (it died or lost its connection)',
                    lease_until = NULL, locked_by = NULL
                WHERE j.id = ANY (ARRAY(SELECT id FROM lost))
                RETURNING j.state, j.queue
            ), woken AS (
                SELECT pg_notify(\(channel), queue) FROM (SELECT DISTINCT queue FROM rescued WHERE state = 'available') AS q
            )
            SELECT count(*) FILTER (WHERE state = 'available'), count(*) FILTER (WHERE state = 'dead'),
                   (SELECT count(*) FROM woken)
            FROM rescued
            """)[0]
        return (try row.decode(Int.self, at: 0), try row.decode(Int.self, at: 1))
    }

    /// Makes scheduled jobs that have fallen due available (and wakes their queues' workers),
    /// and says when the next one falls due. A scheduled job never runs before its `run_at`.
    /// The update finds the due rows by primary key alone (`= ANY`): the CTE has locked them
    /// still scheduled, and a join or a repeated `state = 'scheduled'` lets the planner pick a
    /// scan of `jobs_scheduled_idx`, which reads every clock ahead (180,000 rows in the bench).
    public func stageDue(limit: Int = 5000, on connection: PostgresConnection) throws -> StagingResult {
        let row = try connection.query(
            """
            WITH due AS (
                SELECT id FROM \(unsafe: jobs)
                WHERE state = 'scheduled' AND run_at <= now()
                ORDER BY run_at
                LIMIT \(limit)
                FOR NO KEY UPDATE SKIP LOCKED
            ), staged AS (
                UPDATE \(unsafe: jobs) AS j SET state = 'available'
                WHERE j.id = ANY (ARRAY(SELECT id FROM due))
                RETURNING j.queue
            ), woken AS (
                SELECT pg_notify(\(channel), queue) FROM (SELECT DISTINCT queue FROM staged) AS q
            )
            SELECT (SELECT count(*) FROM staged), (SELECT count(*) FROM woken),
                   (SELECT min(run_at) FROM \(unsafe: jobs) WHERE state = 'scheduled' AND run_at > now())
            """)[0]
        return StagingResult(staged: try row.decode(Int.self, at: 0), nextDue: try row.decode(Date?.self, at: 2))
    }

    /// Deletes old bookkeeping in bounded batches: throughput counters older than a day,
    /// history older than `historyRetention`, cancelled jobs older than `cancelledRetention`.
    /// - Returns: rows deleted.
    @discardableResult
    public func prune(
        historyRetention: Duration = .seconds(86_400), cancelledRetention: Duration = .seconds(7 * 86_400),
        batch: Int = 10_000, on connection: PostgresConnection
    ) throws -> Int {
        let statements: [PostgresQuery] = [
            """
            DELETE FROM \(unsafe: throughput) WHERE ctid = ANY(ARRAY(
                SELECT ctid FROM \(unsafe: throughput) WHERE minute < now() - interval '1 day' LIMIT \(batch)))
            """,
            """
            DELETE FROM \(unsafe: history) WHERE ctid = ANY(ARRAY(
                SELECT ctid FROM \(unsafe: history)
                WHERE finished_at < now() - \(historyRetention.wholeMilliseconds) * interval '1 millisecond' LIMIT \(batch)))
            """,
            """
            DELETE FROM \(unsafe: jobs) WHERE ctid = ANY(ARRAY(
                SELECT ctid FROM \(unsafe: jobs)
                WHERE state = 'cancelled' AND finished_at < now() - \(cancelledRetention.wholeMilliseconds) * interval '1 millisecond'
                LIMIT \(batch)))
            """,
        ]
        return try connection.pipeline(statements).reduce(0) { $0 + $1.affectedRows }
    }

    /// Dead row versions in the jobs table, as the statistics collector last reported them.
    public func deadTuples(on connection: PostgresConnection) throws -> Int {
        try connection.query(
            "SELECT coalesce(n_dead_tup, 0) FROM pg_stat_user_tables WHERE schemaname = \(schema) AND relname = 'jobs'"
        ).scalar(Int.self) ?? 0
    }

    /// Vacuums the jobs table (skipping it if another vacuum holds it). Must run outside a transaction.
    public func vacuum(on connection: PostgresConnection) throws {
        try connection.executeScript("VACUUM (SKIP_LOCKED) \(jobs)")
    }
}
