import ArgumentParser
import Foundation
import Casework
import CivicHTTP
import JobQueue
import Logging
import Postgres
import ServiceLifecycle

/// `civicq worker`: runs jobs until SIGTERM or SIGINT.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run jobs from the queue until SIGTERM or SIGINT.",
        discussion: """
            On SIGTERM or SIGINT the worker stops claiming, lets running jobs finish for the grace
            period, releases the rest for other workers and exits 0. Any number of workers on any
            number of hosts may share one database.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Jobs run at once.")
    var concurrency = 10

    @Option(help: "Comma-separated queues to work, in order of preference.")
    var queues = CaseworkQueue.workerDefault.map(\.rawValue).joined(separator: ",")

    @Option(help: "Most jobs claimed in one statement.")
    var claimBatch = 500

    @Option(help: "Seconds a claim holds a job before others may take it back (renewed while it runs).")
    var leaseSeconds = 30

    @Option(help: "Seconds running jobs may take to finish after SIGTERM.")
    var graceSeconds = 25

    @Option(help: "Milliseconds an idle worker waits for a wake-up before looking anyway.")
    var pollMs = 1000

    @Flag(help: "Do not LISTEN for wake-ups; poll only (for transaction-mode poolers).")
    var noListen = false

    @Flag(help: "Keep completed jobs in job_history (pruned after 24 h).")
    var keepHistory = false

    @Option(help: "Serve this worker's Prometheus metrics at /metrics on this port (default: no metrics server).")
    var metricsPort: Int?

    @Option(help: "Address the metrics server listens on.")
    var metricsHost = "127.0.0.1"

    @Option(help: ArgumentHelp(
        "The event log's signing key file (civicq log keygen); default CIVICQ_LOG_KEY. With it, this worker also seals the log (queue log).",
        valueName: "file"))
    var logKey: String?

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard claimBatch >= 1 else { throw ValidationError("--claim-batch must be at least 1") }
        guard leaseSeconds >= 3 else { throw ValidationError("--lease-seconds must be at least 3") }
        guard graceSeconds >= 0 else { throw ValidationError("--grace-seconds must not be negative") }
        guard pollMs >= 10 else { throw ValidationError("--poll-ms must be at least 10") }
        guard !queueList.isEmpty else { throw ValidationError("--queues names no queue") }
        if let metricsPort, !(1...65_535).contains(metricsPort) { throw ValidationError("--metrics-port must be from 1 to 65535") }
    }

    var queueList: [String] {
        queues.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func run() async throws {
        try await CommandFailure.guarding {
            let logger = global.makeLogger(label: "civicq.worker")
            let connection = try global.connectionConfiguration()
            let client = PostgresClient(
                configuration: .init(connection: connection, size: 4 + min(concurrency, 8), name: "civicq-worker"), logger: logger)
            let lease = Duration.seconds(leaseSeconds)
            let metrics = CivicMetrics()
            let casework = CaseworkStore(schema: global.schemaName)
            if queueList.contains(CaseworkQueue.figures.rawValue) {
                try await client.withConnection {
                    try casework.ensureRollupJob(on: $0)
                    try casework.ensureHotspotJob(on: $0)
                    try casework.ensureHistoryJob(on: $0)
                    try casework.ensureDispatchLearnJob(on: $0)
                }
            }
            // Only the worker that holds the signing key seals the log.
            var queues = queueList
            var sealer: [any JobHandler] = []
            if let path = logKey ?? ProcessInfo.processInfo.environment["CIVICQ_LOG_KEY"].flatMap({ $0.isEmpty ? nil : $0 }) {
                let key = try LogKeyFile.read(path)
                try await client.withConnection { try casework.ensureSealJob(on: $0) }
                if !queues.contains(CaseworkQueue.log.rawValue) { queues.append(CaseworkQueue.log.rawValue) }
                sealer = [LogSealJobHandler(client: client, store: casework, key: key)]
                logger.info("sealing the event log", metadata: ["log.origin": "\(key.name)"])
            }
            let worker = JobWorker(
                client: client,
                store: JobStore(schema: global.schemaName, metrics: JobMetrics(factory: metrics.factory)),
                handlers: WorkerCommand.handlers + CaseworkJobs.handlers(client: client, store: casework) + sealer,
                configuration: .init(
                    queues: queues, concurrency: concurrency, claimBatch: claimBatch, lease: lease,
                    heartbeatInterval: lease / 3, pollInterval: .milliseconds(pollMs), gracePeriod: .seconds(graceSeconds),
                    keepHistory: keepHistory),
                listens: !noListen,
                logger: logger)
            var helpers: [any Service] = []
            if let metricsPort {
                helpers.append(MetricsServer(metrics: metrics, pool: client, host: metricsHost, port: metricsPort, logger: logger).application())
                logger.info("serving metrics", metadata: ["host": "\(metricsHost)", "port": "\(metricsPort)"])
            }
            try await global.runUntilSignalled(pool: client, helpers: helpers, main: worker, logger: logger)
        }
    }

    /// The diagnostic handlers every worker runs besides the casework's.
    static let handlers: [any JobHandler] = [DiagnosticJobs.noop, DiagnosticJobs.sleep]
}
