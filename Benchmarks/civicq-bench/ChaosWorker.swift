import Foundation
import JobQueue
import Logging
import Postgres
import ServiceLifecycle
import UnixSignals

/// `civicq-bench chaos-worker --schema S`: a worker whose `chaos.record` handler inserts
/// (job id, attempt) into `S.chaos_runs`, for scripts/chaos-queue to kill and restart.
struct ChaosWorker {
    let options: BenchOptions

    func run() async throws {
        guard let schema = options.schema else { throw BenchError("chaos-worker needs --schema") }
        var logger = Logger(label: "chaos-worker")
        logger.logLevel = .warning
        let client = PostgresClient(configuration: .init(connection: try .fromEnvironment(), size: 6), logger: logger)
        let record = ClosureJobHandler(kind: "chaos.record") { job in
            try await client.withConnection { connection in
                try connection.execute("INSERT INTO \(identifier: schema).chaos_runs (job_id, attempt) VALUES (\(job.id), \(job.attempt))")
            }
            return .completed
        }
        let worker = JobWorker(
            client: client, store: JobStore(schema: schema), handlers: [record],
            configuration: .init(
                concurrency: options.concurrency, claimBatch: options.batch, lease: .seconds(3), heartbeatInterval: .seconds(1),
                maintenanceInterval: .milliseconds(500)),
            logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: client), .init(service: worker, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
