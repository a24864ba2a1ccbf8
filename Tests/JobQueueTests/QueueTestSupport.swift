import Foundation
import JobQueue
import Logging
import MetricsTestKit
import Postgres
import TestSupport

/// A recording handler: stores each run's job id and attempt in `runs`, optionally sleeping.
struct RecordingHandler: JobHandler {
    let kind: String
    let schema: String
    let client: PostgresClient
    var sleep: Duration = .zero
    var timeout: Duration = .seconds(60)

    func run(_ job: Job) async throws -> JobOutcome {
        if sleep > .zero { try await Task.sleep(for: sleep) }
        try await client.withConnection { [schema] connection in
            try connection.execute("INSERT INTO \(identifier: schema).runs (job_id, attempt) VALUES (\(job.id), \(job.attempt))")
        }
        return .completed
    }
}

enum QueueTests {
    /// Runs `body` once a listener on `schema`'s wake-up channel is listening, with its events;
    /// the listener stops afterwards.
    static func listeningForWakeUps<R>(
        schema: String, isolation: isolated (any Actor)? = #isolation,
        _ body: (inout AsyncStream<PostgresListener.Event>.Iterator) async throws -> R
    ) async throws -> R {
        let listener = PostgresListener(
            configuration: try TestDatabase.configuration(), channels: [JobQueueSchema.channel(schema: schema)], logger: TestDatabase.logger)
        listener.start()
        defer { listener.shutdown() }
        var events = listener.events.makeAsyncIterator()
        while let event = await events.next(isolation: isolation), event != .listening {}
        return try await body(&events)
    }

    /// A job's row as text: queue, kind, payload, priority, state, max_attempts, the unique key
    /// (or "-"), and whether run_at is within 5 s of `near`.
    static func jobRow(_ client: PostgresClient, schema: String, id: Int64, near: Date) async throws -> [String] {
        try await client.withConnection { connection in
            let row = try connection.query("""
                SELECT queue, kind, payload::text, priority::text, state::text, max_attempts::text, coalesce(unique_key, '-'),
                       (abs(extract(epoch FROM run_at - \(near)::timestamptz)) < 5)::text
                FROM \(unsafe: schema).jobs WHERE id = \(id)
                """).first!
            return try (0..<8).map { try row.decode(String.self, at: $0) }
        }
    }

    /// Enqueues `request` alone, and its twin (its unique key suffixed so that both are new) in
    /// a batch of one, the form that sends every value; returns the one alone and both rows,
    /// the twin's with the original key, so that they compare equal when both forms agree.
    static func enqueueAloneAndInBatch(
        _ request: JobRequest, store: JobStore, client: PostgresClient, near: Date
    ) async throws -> (alone: EnqueuedJob, bothNew: Bool, row: [String], batchRow: [String]) {
        let alone = try await client.withConnection { try store.enqueue(request, on: $0) }
        var twin = request
        twin.uniqueKey = request.uniqueKey.map { $0 + "-batch" }
        let batched = try await client.withConnection { [twin] in try store.enqueue([twin], on: $0)[0] }
        var batchRow = try await jobRow(client, schema: store.schema, id: batched.id, near: near)
        if let key = request.uniqueKey { batchRow[6] = key }
        let row = try await jobRow(client, schema: store.schema, id: alone.id, near: near)
        return (alone, alone.inserted && batched.inserted, row, batchRow)
    }

    /// A schema with the queue's own migrations only (``JobQueueSchema``: no civicq table),
    /// a `runs` table for handlers to record into, and a store with test metrics.
    static func withQueue<R>(
        _ body: (PostgresClient, JobStore, TestMetrics) async throws -> R
    ) async throws -> R {
        try await TestDatabase.withSchema(size: 8) { client, schema in
            _ = try await JobQueueSchema.migrator(schema: schema).migrate(using: client, logger: TestDatabase.logger)
            let tables = try await client.withConnection { connection in
                try connection.query("SELECT count(*) FROM pg_tables WHERE schemaname = \(schema)").scalar(Int.self)
            }
            guard tables == 5 else {
                throw TestSetupError(message: "the queue's migrations made \(tables ?? 0) tables, not jobs, job_throughput, job_history, workers and schema_migrations")
            }
            try await client.withConnection { connection in
                try connection.executeScript(
                    "CREATE TABLE \(schema).runs (job_id bigint NOT NULL, attempt int NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp(), UNIQUE (job_id, attempt))")
            }
            let metrics = TestMetrics()
            return try await body(client, JobStore(schema: schema, metrics: JobMetrics(factory: metrics)), metrics)
        }
    }

    /// A worker tuned for tests: short leases and intervals.
    static func worker(
        _ client: PostgresClient, _ store: JobStore, handlers: [any JobHandler], concurrency: Int = 10,
        lease: Duration = .seconds(30), heartbeat: Duration = .seconds(1), poll: Duration = .milliseconds(200),
        grace: Duration = .seconds(5), retry: RetryPolicy = RetryPolicy(base: .milliseconds(50), cap: .seconds(1)),
        maintenance: Duration = .milliseconds(200), queues: [String] = ["default"], listens: Bool = true
    ) -> JobWorker {
        JobWorker(
            client: client, store: store, handlers: handlers,
            configuration: .init(
                queues: queues, concurrency: concurrency, claimBatch: 100, lease: lease, heartbeatInterval: heartbeat,
                pollInterval: poll, gracePeriod: grace, retry: retry, maintenanceInterval: maintenance),
            listens: listens, logger: TestDatabase.logger)
    }

    /// Runs `worker` while `body` runs, then shuts it down gracefully and waits for it.
    static func running<R>(_ worker: JobWorker, _ body: () async throws -> R) async throws -> R {
        let task = Task { try await worker.run() }
        do {
            let result = try await body()
            worker.shutdownGracefully()
            try await task.value
            return result
        } catch {
            worker.shutdownGracefully()
            _ = await task.result
            throw error
        }
    }

    static func count(_ client: PostgresClient, _ sql: String) async throws -> Int {
        try await client.withConnection { try $0.query(PostgresQuery(unsafeSQL: sql)).scalar(Int.self) ?? 0 }
    }
}
