public import Foundation
public import Postgres

/// One queue's figures, for `civicq jobs stats` and the gauges. Value type; any thread.
public struct QueueStats: Sendable, Equatable {
    public let queue: String
    /// Jobs per state (states with none are absent).
    public var counts: [JobState: Int] = [:]
    /// Seconds the oldest available job has waited since it fell due.
    public var oldestAvailableAge: Double?
    /// Outcomes in the last full minute, all workers together.
    public var completedLastMinute = 0
    public var failedLastMinute = 0
    public var deadLastMinute = 0
    /// Jobs completed so far in the current minute.
    public var completedThisMinute = 0

    public init(queue: String) { self.queue = queue }
}

/// A dead job, for `civicq jobs dead`. Value type; any thread.
public struct DeadJob: Sendable, Equatable {
    public let id: Int64
    public let kind: String
    public let queue: String
    public let attempt: Int
    public let lastError: String?
    public let finishedAt: Date?
}

extension JobStore {
    /// Counts per queue and state, the oldest available job's age, and last minute's outcomes.
    public func stats(on connection: PostgresConnection) throws -> [QueueStats] {
        var byQueue: [String: QueueStats] = [:]
        let counts = try connection.query(
            """
            SELECT queue, state::text, count(*),
                   extract(epoch FROM now() - min(run_at) FILTER (WHERE state = 'available'))
            FROM \(unsafe: jobs) GROUP BY queue, state
            """)
        for row in counts {
            let queue = try row.decode(String.self, at: 0)
            var stats = byQueue[queue] ?? QueueStats(queue: queue)
            stats.counts[try row.decode(JobState.self, at: 1)] = try row.decode(Int.self, at: 2)
            if let age = try row.decode(Double?.self, at: 3) { stats.oldestAvailableAge = max(0, age) }
            byQueue[queue] = stats
        }
        let outcomes = try connection.query(
            """
            SELECT queue,
                   coalesce(sum(completed) FILTER (WHERE minute < date_trunc('minute', now())), 0),
                   coalesce(sum(failed) FILTER (WHERE minute < date_trunc('minute', now())), 0),
                   coalesce(sum(dead) FILTER (WHERE minute < date_trunc('minute', now())), 0),
                   coalesce(sum(completed) FILTER (WHERE minute = date_trunc('minute', now())), 0)
            FROM \(unsafe: throughput)
            WHERE minute >= date_trunc('minute', now()) - interval '1 minute'
            GROUP BY queue
            """)
        for row in outcomes {
            let queue = try row.decode(String.self, at: 0)
            var stats = byQueue[queue] ?? QueueStats(queue: queue)
            stats.completedLastMinute = try row.decode(Int.self, at: 1)
            stats.failedLastMinute = try row.decode(Int.self, at: 2)
            stats.deadLastMinute = try row.decode(Int.self, at: 3)
            stats.completedThisMinute = try row.decode(Int.self, at: 4)
            byQueue[queue] = stats
        }
        return byQueue.values.sorted { $0.queue < $1.queue }
    }

    /// Dead jobs, most recent first.
    public func deadJobs(limit: Int = 100, on connection: PostgresConnection) throws -> [DeadJob] {
        try connection.query(
            """
            SELECT id, kind, queue, attempt, last_error, finished_at FROM \(unsafe: jobs)
            WHERE state = 'dead' ORDER BY finished_at DESC NULLS LAST, id DESC LIMIT \(limit)
            """
        ).map { row in
            DeadJob(
                id: try row.decode(Int64.self, at: 0), kind: try row.decode(String.self, at: 1), queue: try row.decode(String.self, at: 2),
                attempt: try row.decode(Int.self, at: 3), lastError: try row.decode(String?.self, at: 4),
                finishedAt: try row.decode(Date?.self, at: 5))
        }
    }

    /// Makes dead jobs available again with their attempts reset: the given ids, or all when
    /// `ids` is nil. A dead job whose unique key is held by a live job stays dead.
    /// - Returns: the ids made available.
    public func retryDead(ids: [Int64]?, on connection: PostgresConnection) throws -> [Int64] {
        try connection.query(
            """
            WITH revived AS (
                UPDATE \(unsafe: jobs) AS j
                SET state = 'available', attempt = 0, run_at = now(), finished_at = NULL
                WHERE j.state = 'dead' AND (\(ids == nil) OR j.id = ANY(\(ids ?? [])))
                  AND (j.unique_key IS NULL OR NOT EXISTS (
                      SELECT 1 FROM \(unsafe: jobs) AS live
                      WHERE live.unique_key = j.unique_key AND live.state IN ('scheduled', 'available', 'running')))
                RETURNING j.id, j.queue
            ), woken AS (
                SELECT pg_notify(\(channel), queue) FROM (SELECT DISTINCT queue FROM revived) AS q
            )
            SELECT id FROM revived, (SELECT count(*) FROM woken) AS w ORDER BY id
            """
        ).map { try $0.decode(Int64.self, at: 0) }
    }

    /// Deletes dead jobs: the given ids, or all when `ids` is nil.
    /// - Returns: the ids deleted.
    public func discardDead(ids: [Int64]?, on connection: PostgresConnection) throws -> [Int64] {
        try connection.query(
            """
            DELETE FROM \(unsafe: jobs) WHERE state = 'dead' AND (\(ids == nil) OR id = ANY(\(ids ?? [])))
            RETURNING id
            """
        ).map { try $0.decode(Int64.self, at: 0) }.sorted()
    }

    /// Cancels jobs that have not finished. A running job's worker notices at its next lease
    /// renewal and stops the handler; its completion is refused.
    /// - Returns: the ids cancelled.
    public func cancel(ids: [Int64], on connection: PostgresConnection) throws -> [Int64] {
        try connection.query(
            """
            UPDATE \(unsafe: jobs) SET state = 'cancelled', finished_at = now(), lease_until = NULL, locked_by = NULL
            WHERE id = ANY(\(ids)) AND state IN ('scheduled', 'available', 'running')
            RETURNING id
            """
        ).map { try $0.decode(Int64.self, at: 0) }.sorted()
    }

    /// The state and attempt of one job, or nil when it is not in the table (completed or unknown).
    public func state(of id: Int64, on connection: PostgresConnection) throws -> (state: JobState, attempt: Int, lastError: String?)? {
        guard let row = try connection.query("SELECT state::text, attempt, last_error FROM \(unsafe: jobs) WHERE id = \(id)").first else {
            return nil
        }
        return (try row.decode(JobState.self, at: 0), try row.decode(Int.self, at: 1), try row.decode(String?.self, at: 2))
    }
}
