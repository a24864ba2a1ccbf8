import Foundation
import JobQueue
import Logging
import Postgres

/// `civicq-bench soak [--seconds 60] [--rate 5000] [--json]`: a steady load — jobs enqueued at
/// a fixed rate while two workers (maintenance on, as in production) run them — sampling the
/// jobs table's dead row versions and size every two seconds. Shows that the hot table stays
/// small: completed jobs are deleted and the workers vacuum when dead rows pile up.
struct SoakBench {
    let options: BenchOptions

    struct Sample {
        let second: Int
        let live: Int
        let dead: Int
        let bytes: Int
        let vacuums: Int
    }

    func run() async throws {
        try await BenchDatabase.with(prefix: "soak", migrated: true) { database in
            try await soak(schema: database.schema, admin: database.admin, connection: database.connection, logger: database.logger)
        }
    }

    private func soak(schema: String, admin: PostgresClient, connection: PostgresConfiguration, logger: Logger) async throws {
        let store = JobStore(schema: schema)
        let clients = (0..<2).map { PostgresClient(configuration: .init(connection: connection, size: 4, name: "soak-\($0)"), logger: logger) }
        let workers = clients.map { client in
            JobWorker(
                client: client, store: store, handlers: [DiagnosticJobs.noop],
                configuration: .init(concurrency: 200, claimBatch: 200, maintenanceInterval: .seconds(2), vacuumThreshold: 20_000),
                logger: logger)
        }
        let tasks = workers.map { worker in Task { try await worker.run() } }
        let seconds = options.seconds
        let rate = options.rate
        let producer = Task {
            // Batches of rate/50 every 20 ms.
            let perTick = max(1, rate / 50)
            let batch = (0..<perTick).map { _ in JobRequest(kind: "queue.noop") }
            let clock = ContinuousClock()
            var next = clock.now
            let end = clock.now + .seconds(seconds)
            while clock.now < end {
                try await admin.withConnection { try store.enqueue(batch, on: $0) }
                next = next + .milliseconds(20)
                try await Task.sleep(until: next)
            }
        }
        var samples: [Sample] = []
        for tick in stride(from: 0, through: seconds, by: 2) {
            try await Task.sleep(for: .seconds(tick == 0 ? 0 : 2))
            samples.append(try await admin.withConnection { connection in
                let row = try connection.query(
                    """
                    SELECT coalesce(n_live_tup, 0), coalesce(n_dead_tup, 0), pg_total_relation_size(relid),
                           coalesce(vacuum_count, 0) + coalesce(autovacuum_count, 0)
                    FROM pg_stat_user_tables WHERE schemaname = \(schema) AND relname = 'jobs'
                    """)[0]
                let (live, dead, bytes, vacuums) = try row.decode((Int, Int, Int, Int).self)
                return Sample(second: tick, live: live, dead: dead, bytes: bytes, vacuums: vacuums)
            })
        }
        try await producer.value
        for worker in workers { worker.shutdownGracefully() }
        for task in tasks { try await task.value }
        for client in clients { await client.close() }
        let enqueued = rate / 50 * 50 * seconds
        let left = try await admin.withConnection { try $0.query("SELECT count(*) FROM \(unsafe: schema).jobs").scalar(Int.self) ?? 0 }
        report(samples, enqueued: enqueued, left: left)
    }

    private func report(_ samples: [Sample], enqueued: Int, left: Int) {
        print("Soak — \(options.rate) jobs/s for \(options.seconds) s, 2 workers; the jobs table every 2 s")
        print("   second   live rows   dead rows   size (kB)   vacuums")
        for sample in samples {
            print(String(format: "  %7d %11d %11d %11d %9d", sample.second, sample.live, sample.dead, sample.bytes / 1024, sample.vacuums))
        }
        let maxDead = samples.map(\.dead).max() ?? 0
        let maxBytes = samples.map(\.bytes).max() ?? 0
        print("  about \(enqueued) jobs enqueued, \(left) left at the end; most dead rows \(maxDead), largest size \(maxBytes / 1024) kB")
        if options.json {
            print(jsonLine([
                "suite": "soak", "rate": options.rate, "seconds": options.seconds, "enqueued": enqueued, "left": left,
                "max_dead_tuples": maxDead, "max_table_bytes": maxBytes,
                "samples": samples.map { ["second": $0.second, "live": $0.live, "dead": $0.dead, "bytes": $0.bytes, "vacuums": $0.vacuums] },
            ]))
        }
    }
}
