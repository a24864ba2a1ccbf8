public import Foundation
public import Postgres

/// A worker process as its presence row shows it (`civicq top`, `/metrics`).
public struct WorkerPresence: Sendable, Equatable {
    public let id: String
    public let host: String
    public let pid: Int
    public let queues: [String]
    public let concurrency: Int
    /// Jobs it ran at its last refresh.
    public let running: Int
    public let startedAt: Date
    /// Seconds since it last refreshed its row.
    public let silentSeconds: Double
}

/// Jobs running now, by worker and kind (`civicq top`).
public struct RunningJobs: Sendable, Equatable {
    public let worker: String
    public let kind: String
    public let count: Int
    /// Seconds the longest-running of them has run.
    public let longestSeconds: Double
}

extension JobStore {
    /// A worker whose row is older than this is taken for dead.
    public static let workerSilenceLimit: Double = 30

    var workers: String { PostgresQuery.quoteIdentifier(schema) + ".workers" }

    /// Inserts or refreshes this worker's presence row; prunes rows stale for an hour.
    public func announce(
        worker: String, host: String, pid: Int, queues: [String], concurrency: Int, running: Int, on connection: PostgresConnection
    ) throws {
        try connection.execute(
            """
            INSERT INTO \(unsafe: workers) (id, host, pid, queues, concurrency, running)
            VALUES (\(worker), \(host), \(pid)::integer, \(queues), \(concurrency)::integer, \(running)::integer)
            ON CONFLICT (id) DO UPDATE SET running = excluded.running, seen_at = now()
            """)
        try connection.execute("DELETE FROM \(unsafe: workers) WHERE seen_at < now() - interval '1 hour'")
    }

    /// Removes this worker's presence row (a clean stop).
    public func retire(worker: String, on connection: PostgresConnection) throws {
        try connection.execute("DELETE FROM \(unsafe: workers) WHERE id = \(worker)")
    }

    /// Workers heard from within `workerSilenceLimit` seconds, oldest first.
    public func liveWorkers(on connection: PostgresConnection) throws -> [WorkerPresence] {
        try connection.query(
            """
            SELECT id, host, pid, queues, concurrency, running, started_at, extract(epoch FROM now() - seen_at)::float8
            FROM \(unsafe: workers)
            WHERE seen_at > now() - make_interval(secs => \(Self.workerSilenceLimit))
            ORDER BY started_at, id
            """
        ).map { row in
            WorkerPresence(
                id: try row.decode(String.self, at: 0), host: try row.decode(String.self, at: 1), pid: try row.decode(Int.self, at: 2),
                queues: try row.decode([String].self, at: 3), concurrency: try row.decode(Int.self, at: 4),
                running: try row.decode(Int.self, at: 5), startedAt: try row.decode(Date.self, at: 6),
                silentSeconds: max(0, try row.decode(Double.self, at: 7)))
        }
    }

    /// Jobs running now, grouped by the worker holding them and their kind.
    public func runningJobs(on connection: PostgresConnection) throws -> [RunningJobs] {
        try connection.query(
            """
            SELECT coalesce(locked_by, '?'), kind, count(*), extract(epoch FROM now() - min(attempted_at))::float8
            FROM \(unsafe: jobs) WHERE state = 'running' AND lease_until IS NOT NULL
            GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2
            """
        ).map { row in
            RunningJobs(
                worker: try row.decode(String.self, at: 0), kind: try row.decode(String.self, at: 1), count: try row.decode(Int.self, at: 2),
                longestSeconds: max(0, try row.decode(Double?.self, at: 3) ?? 0))
        }
    }
}
