import Foundation
public import Postgres

/// How a claimed attempt ended, as the worker reports it. Value type; any thread.
public struct JobSettlement: Sendable, Equatable {
    public enum Result: Sendable, Equatable {
        /// The handler finished: delete the job (keeping history if asked).
        case completed
        /// The handler failed: retry after `retryAfter`, or dead if attempts are used up or `permanent`.
        case failed(error: String, retryAfter: Duration, permanent: Bool)
        /// Run again after this long; the attempt does not count.
        case snoozed(Duration)
        /// Not run (the worker is shutting down): back to available, the attempt not counted.
        case released
    }

    public let id: Int64
    public let attempt: Int
    public let result: Result

    public init(id: Int64, attempt: Int, result: Result) {
        self.id = id
        self.attempt = attempt
        self.result = result
    }
}

/// What a settle call changed. Settlements for jobs no longer held (the lease was lost and
/// the job rescued, re-claimed or cancelled) change nothing and are counted as `refused`.
public struct SettleCounts: Sendable, Equatable {
    public var completed = 0
    public var retried = 0
    public var dead = 0
    public var snoozed = 0
    public var released = 0
    public var refused = 0
    public init() {}
}

/// The statements of one settle call, in the order they are sent.
private enum SettleStep {
    case completed, failed, snoozed, released
}

extension JobStore {
    /// Claims up to `limit` available jobs of `queue` in one statement: locks them with
    /// `FOR NO KEY UPDATE SKIP LOCKED` in priority, run-time and id order (the order of
    /// `jobs_claim_idx`), marks them running with a lease, and counts the attempt. The update
    /// finds the picked rows by primary key (`= ANY`), whatever the planner thinks of the CTE;
    /// the jobs come back in claim order.
    public func claim(queue: String, limit: Int, lease: Duration, worker: String, on connection: PostgresConnection) throws -> [Job] {
        guard limit > 0 else { return [] }
        let rows = try connection.query(
            """
            WITH picked AS (
                SELECT id FROM \(unsafe: jobs)
                WHERE state = 'available' AND queue = \(queue)
                ORDER BY priority, run_at, id
                LIMIT \(limit)
                FOR NO KEY UPDATE SKIP LOCKED
            ), claimed AS (
                UPDATE \(unsafe: jobs) AS j
                SET state = 'running', attempt = j.attempt + 1, locked_by = \(worker), attempted_at = now(),
                    lease_until = now() + \(lease.wholeMilliseconds) * interval '1 millisecond'
                WHERE j.id = ANY (ARRAY(SELECT id FROM picked))
                RETURNING j.id, j.kind, j.queue, j.attempt, j.max_attempts, j.priority, j.payload, j.created_at, j.run_at
            )
            SELECT id, kind, queue, attempt, max_attempts, priority, payload, created_at
            FROM claimed ORDER BY priority, run_at, id
            """)
        return try rows.map { row in
            Job(
                id: try row.decode(Int64.self, at: 0), kind: try row.decode(String.self, at: 1),
                queue: try row.decode(String.self, at: 2), attempt: try row.decode(Int.self, at: 3),
                maxAttempts: try row.decode(Int.self, at: 4), priority: try row.decode(Int.self, at: 5),
                payload: try row.decode(PostgresJSONB.self, at: 6), createdAt: try row.decode(Date.self, at: 7))
        }
    }

    /// Records outcomes in one round trip (one pipeline, one implicit transaction). Every change
    /// is guarded by id, attempt and `state = 'running'`: a worker that lost its lease cannot
    /// overwrite a newer outcome.
    @discardableResult
    public func settle(
        _ settlements: [JobSettlement], worker: String, keepHistory: Bool = false, on connection: PostgresConnection
    ) throws -> SettleCounts {
        var completed: [JobSettlement] = []
        var failed: [(JobSettlement, String, Int64, Bool)] = []
        var snoozed: [(JobSettlement, Int64)] = []
        var released: [JobSettlement] = []
        for settlement in settlements {
            switch settlement.result {
            case .completed: completed.append(settlement)
            case .failed(let error, let after, let permanent): failed.append((settlement, error, after.wholeMilliseconds, permanent))
            case .snoozed(let after): snoozed.append((settlement, after.wholeMilliseconds))
            case .released: released.append(settlement)
            }
        }
        var statements: [PostgresQuery] = []
        var steps: [SettleStep] = []
        if !completed.isEmpty {
            statements.append(completeStatement(completed, worker: worker, keepHistory: keepHistory))
            steps.append(.completed)
        }
        if !failed.isEmpty {
            statements.append(
                """
                WITH failed AS (
                    UPDATE \(unsafe: jobs) AS j
                    SET state = (CASE WHEN d.permanent = 1 OR j.attempt >= j.max_attempts THEN 'dead'
                                      WHEN d.delay_ms > 0 THEN 'scheduled' ELSE 'available' END)::\(unsafe: jobState),
                        run_at = CASE WHEN d.permanent = 1 OR j.attempt >= j.max_attempts THEN j.run_at
                                      ELSE now() + d.delay_ms * interval '1 millisecond' END,
                        finished_at = CASE WHEN d.permanent = 1 OR j.attempt >= j.max_attempts THEN now() END,
                        last_error = d.error, lease_until = NULL, locked_by = NULL
                    FROM unnest(\(failed.map { $0.0.id }), \(failed.map { $0.0.attempt }), \(failed.map { $0.1 }),
                                \(failed.map { $0.2 }), \(failed.map { $0.3 ? 1 : 0 })) AS d(id, attempt, error, delay_ms, permanent)
                    WHERE j.id = d.id AND j.attempt = d.attempt AND j.state = 'running'
                    RETURNING j.queue, j.state
                ), counted AS (
                    INSERT INTO \(unsafe: throughput) AS t (minute, queue, worker, failed, dead)
                    SELECT date_trunc('minute', now()), queue, \(worker),
                           count(*) FILTER (WHERE state <> 'dead'), count(*) FILTER (WHERE state = 'dead')
                    FROM failed GROUP BY queue
                    ON CONFLICT (minute, queue, worker)
                    DO UPDATE SET failed = t.failed + EXCLUDED.failed, dead = t.dead + EXCLUDED.dead
                )
                SELECT count(*) FILTER (WHERE state <> 'dead'), count(*) FILTER (WHERE state = 'dead') FROM failed
                """)
            steps.append(.failed)
        }
        if !snoozed.isEmpty {
            statements.append(
                """
                UPDATE \(unsafe: jobs) AS j
                SET state = (CASE WHEN d.delay_ms > 0 THEN 'scheduled' ELSE 'available' END)::\(unsafe: jobState),
                    run_at = now() + d.delay_ms * interval '1 millisecond', max_attempts = j.max_attempts + 1,
                    lease_until = NULL, locked_by = NULL
                FROM unnest(\(snoozed.map { $0.0.id }), \(snoozed.map { $0.0.attempt }), \(snoozed.map { $0.1 })) AS d(id, attempt, delay_ms)
                WHERE j.id = d.id AND j.attempt = d.attempt AND j.state = 'running'
                """)
            steps.append(.snoozed)
        }
        if !released.isEmpty {
            statements.append(
                """
                UPDATE \(unsafe: jobs) AS j
                SET state = 'available', attempt = j.attempt - 1, lease_until = NULL, locked_by = NULL
                FROM unnest(\(released.map(\.id)), \(released.map(\.attempt))) AS d(id, attempt)
                WHERE j.id = d.id AND j.attempt = d.attempt AND j.state = 'running'
                """)
            steps.append(.released)
        }
        let results = statements.count == 1 ? [try connection.query(statements[0])] : try connection.pipeline(statements)
        var counts = SettleCounts()
        for (step, rows) in zip(steps, results) {
            switch step {
            case .completed: counts.completed = try rows.scalar(Int.self) ?? 0
            case .failed:
                counts.retried = try rows[0].decode(Int.self, at: 0)
                counts.dead = try rows[0].decode(Int.self, at: 1)
            case .snoozed: counts.snoozed = rows.affectedRows
            case .released: counts.released = rows.affectedRows
            }
        }
        counts.refused = settlements.count - counts.completed - counts.retried - counts.dead - counts.snoozed - counts.released
        return counts
    }

    private func completeStatement(_ completed: [JobSettlement], worker: String, keepHistory: Bool) -> PostgresQuery {
        let returning = keepHistory ? "j.id, j.queue, j.kind, j.attempt, j.payload, j.created_at" : "j.queue"
        let historyStep = keepHistory
            ? ", kept AS (INSERT INTO \(history) (id, queue, kind, attempt, payload, created_at) "
                + "SELECT id, queue, kind, attempt, payload, created_at FROM done ON CONFLICT (id) DO NOTHING)"
            : ""
        return """
            WITH done AS (
                DELETE FROM \(unsafe: jobs) AS j
                USING unnest(\(completed.map(\.id)), \(completed.map(\.attempt))) AS d(id, attempt)
                WHERE j.id = d.id AND j.attempt = d.attempt AND j.state = 'running'
                RETURNING \(unsafe: returning)
            ), counted AS (
                INSERT INTO \(unsafe: throughput) AS t (minute, queue, worker, completed)
                SELECT date_trunc('minute', now()), queue, \(worker), count(*) FROM done GROUP BY queue
                ON CONFLICT (minute, queue, worker) DO UPDATE SET completed = t.completed + EXCLUDED.completed
            )\(unsafe: historyStep)
            SELECT count(*) FROM done
            """
    }

    /// Extends the leases of the jobs this worker still holds.
    ///
    /// Rows another transaction has locked are skipped, not waited for: that is this worker's
    /// own outcome being recorded (settle), and waiting for it while it waits for a row this
    /// statement locked was a deadlock (seen in the routing bench: the two joins with
    /// `unnest` lock rows in different orders). A skipped job still counts as held: it was
    /// running, at this attempt, when the statement began.
    /// - Returns: the ids still held (renewed, or being settled); a held job missing from it
    ///   was rescued or cancelled meanwhile, and its handler should stop.
    public func renewLeases(
        _ held: [(id: Int64, attempt: Int)], lease: Duration, on connection: PostgresConnection
    ) throws -> Set<Int64> {
        guard !held.isEmpty else { return [] }
        let rows = try connection.query(
            """
            WITH held AS (
                SELECT * FROM unnest(\(held.map(\.id)), \(held.map(\.attempt))) AS d(id, attempt)
            ), lockable AS (
                SELECT j.id FROM \(unsafe: jobs) AS j JOIN held AS d ON j.id = d.id AND j.attempt = d.attempt
                WHERE j.state = 'running'
                FOR NO KEY UPDATE OF j SKIP LOCKED
            ), renewed AS (
                UPDATE \(unsafe: jobs) AS j SET lease_until = now() + \(lease.wholeMilliseconds) * interval '1 millisecond'
                WHERE j.id IN (SELECT id FROM lockable)
                RETURNING j.id
            )
            -- The update runs to completion whether or not this reads it; this reads the rows
            -- as they were when the statement began.
            SELECT j.id FROM \(unsafe: jobs) AS j JOIN held AS d ON j.id = d.id AND j.attempt = d.attempt
            WHERE j.state = 'running'
            """)
        return Set(try rows.map { try $0.decode(Int64.self, at: 0) })
    }

}
