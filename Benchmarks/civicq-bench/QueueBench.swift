import Foundation
import JobQueue
import Logging
import Postgres
import Synchronization

/// The job queue's speed: enqueue rates, drain rates with 1, 2 and 4 workers, idle
/// enqueue-to-start latency, and the floor (pgbench running the same SQL cycle).
struct QueueBench {
    let options: BenchOptions

    func run() async throws {
        try await BenchDatabase.with(prefix: "benchq", migrated: true) { database in
            let settings = try await database.settings()
            let report = try await measure(
                schema: database.schema, admin: database.admin, connection: database.connection, logger: database.logger)
            print(report.render(settings: settings, options: options))
            if options.json { print(report.json(settings: settings, options: options)) }
        }
    }

    private func measure(schema: String, admin: PostgresClient, connection: PostgresConfiguration, logger: Logger) async throws -> QueueReport {
        let store = JobStore(schema: schema)
        var report = QueueReport()
        // The floors' own emptying, so that both sides start from the same table.
        let reset: (_ checkpoint: Bool) async throws -> Void = { checkpoint in
            try await admin.withConnection { connection in
                for statement in PgbenchFloor.emptyingStatements(schema: schema, checkpoint: checkpoint) { try connection.executeScript(statement) }
            }
        }

        // Enqueues and their floors in rounds, each measurement on an emptied table after a
        // checkpoint, the floor right before civicq: this machine's speed drifts within
        // minutes, so each is compared at its best over the rounds (best against best).
        let floor = PgbenchFloor(schema: schema, batch: options.batch)
        for _ in 0..<options.repeats {
            // One job per statement (each its own transaction), from 1 and 8 connections: as
            // civicq does it now (one row, prepared) and as it did before (the batch form of
            // one, sent unnamed), against pgbench at the same client count: a plain INSERT (the
            // floor), and civicq's own statement (its gap to civicq is the client's).
            for clients in [1, 8] {
                let perClient = clients == 1 ? 10_000 : 5_000
                if let measured = try floor.single(clients: clients, transactions: perClient) {
                    report.singleFloors.append(.init(clients: clients, measured: measured))
                }
                if let measured = try floor.sameSQLSingle(store.singleInsertSQL, clients: clients, transactions: perClient) {
                    report.sameSQLFloors.append(.init(clients: clients, measured: measured))
                }
                for form in QueueReport.SingleForm.allCases {
                    try await reset(true)
                    let measured = try await singles(store: store, connection: connection, logger: logger, clients: clients, perClient: perClient, form: form)
                    report.enqueueSingle.append(.init(clients: clients, form: form, measured: measured))
                }
            }
            // Batches of identical jobs, and of jobs that differ (a payload each, as routing
            // jobs carry their case), from 1, 2 and 4 connections at once, each against the
            // best of pgbench's 1, 2, 4 and 8 clients inserting the same rows.
            for payloads in QueueReport.BatchJobs.allCases {
                for clients in [1, 2, 4, 8] {
                    if let measured = try floor.batch(clients: clients, jobs: payloads) {
                        report.batchFloors.append(.init(clients: clients, jobs: payloads, measured: measured))
                    }
                }
                for clients in [1, 2, 4] {
                    try await reset(true)
                    let measured = try await batches(store: store, connection: connection, logger: logger, clients: clients, jobs: payloads)
                    report.enqueueBatched.append(.init(clients: clients, jobs: payloads, measured: measured))
                }
            }
        }

        // Drain, after a batched enqueue of the backlog each time, from the state the floor's
        // claim-and-complete starts from: the backlog vacuumed, then a CHECKPOINT (so that both
        // write the same full-page images, and neither starts on the WAL of what ran before).
        // The checkpoints the server begins during a drain are counted and printed.
        for workers in options.workers {
            try await reset(false)
            try await enqueueBacklog(store, admin)
            try await admin.withConnection { connection in
                try connection.executeScript("VACUUM ANALYZE \(schema).jobs")
                try connection.executeScript("CHECKPOINT")
            }
            let checkpoints = try await Self.checkpoints(admin)
            let rate = try await drain(schema: schema, workers: workers, connection: connection, logger: logger)
            report.drain.append((workers, rate, try await Self.checkpoints(admin) - checkpoints))
        }

        try await reset(false)
        report.latency = try await latency(schema: schema, connection: connection, logger: logger)
        try await admin.withConnection { try $0.executeScript("CHECKPOINT") }
        report.floor = try floor.run(clients: [1, 2, 4, 8])
        return report
    }

    /// Checkpoints the server has begun (timed and requested), to count those within a measurement.
    private static func checkpoints(_ admin: PostgresClient) async throws -> Int {
        try await admin.withConnection { connection in
            try connection.query("SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter").scalar(Int.self) ?? 0
        }
    }

    /// Jobs per second enqueued one per transaction by `clients` connections at once,
    /// `perClient` each.
    private func singles(
        store: JobStore, connection: PostgresConfiguration, logger: Logger, clients: Int, perClient: Int, form: QueueReport.SingleForm
    ) async throws -> Throughput {
        var configuration = connection
        if form == .before { configuration.options.statementCacheSize = 0 }
        return try await rate(clients: clients, calls: perClient, jobsPerCall: 1, configuration: configuration, logger: logger) { connection, _, _ in
            let request = JobRequest(kind: "queue.noop")
            if form == .before { try store.enqueue([request], on: connection) } else { try store.enqueue(request, on: connection) }
        }
    }

    /// Jobs per second enqueued in batches of `options.batch`, identical or each with its own
    /// payload, by `clients` connections at once (``PgbenchFloor/batches`` batches in all, as
    /// the floor makes).
    private func batches(
        store: JobStore, connection: PostgresConfiguration, logger: Logger, clients: Int, jobs: QueueReport.BatchJobs
    ) async throws -> Throughput {
        let perClient = PgbenchFloor.batches / clients
        let batch = options.batch
        let identical = (0..<batch).map { _ in JobRequest(kind: "queue.noop") }
        return try await rate(clients: clients, calls: perClient, jobsPerCall: batch, configuration: connection, logger: logger) { connection, client, call in
            switch jobs {
            case .identical:
                try store.enqueue(identical, on: connection)
            case .payloadEach:
                let first = (client * perClient + call) * batch
                let requests = (0..<batch).map { offset in
                    JobRequest(kind: "queue.noop", payload: PostgresJSONB(text: "{\"case\": \(first + offset)}"))
                }
                try store.enqueue(requests, on: connection)
            }
        }
    }

    /// Jobs per second when `clients` connections at once each make `calls` calls of `call`
    /// (given its connection, the client's index and the call's), `jobsPerCall` jobs each. The
    /// connections are opened first, so that the time is the calls'.
    private func rate(
        clients: Int, calls: Int, jobsPerCall: Int, configuration: PostgresConfiguration, logger: Logger,
        _ call: @escaping @Sendable (PostgresConnection, Int, Int) throws -> Void
    ) async throws -> Throughput {
        let pool = PostgresClient(configuration: .init(connection: configuration, size: clients), logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<clients { group.addTask { try await pool.withConnection { (_: PostgresConnection) -> Void in usleep(50_000) } } }
            try await group.waitForAll()
        }
        let cpu = Throughput.CPU()
        let rate = try await rate(clients * calls * jobsPerCall) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in 0..<clients {
                    group.addTask {
                        try await pool.withConnection { connection in
                            for index in 0..<calls { try call(connection, client, index) }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let measured = cpu.throughput(rate: rate, jobs: clients * calls * jobsPerCall)
        await pool.close()
        return measured
    }

    private func enqueueBacklog(_ store: JobStore, _ client: PostgresClient) async throws {
        let batch = (0..<options.batch).map { _ in JobRequest(kind: "queue.noop") }
        let batches = (options.jobs + options.batch - 1) / options.batch
        try await client.withConnection { connection in
            for index in 0..<batches {
                let count = min(options.batch, options.jobs - index * options.batch)
                try store.enqueue(Array(batch.prefix(count)), on: connection)
            }
        }
    }

    /// Runs `workers` workers (each with its own pool, as separate processes would have) until
    /// every job's completion is committed; returns jobs per second.
    private func drain(schema: String, workers: Int, connection: PostgresConfiguration, logger: Logger) async throws -> Double {
        let counter = CompletionCounter()
        let store = JobStore(schema: schema, metrics: JobMetrics(factory: counter))
        let clients = (0..<workers).map { index in
            PostgresClient(configuration: .init(connection: connection, size: 4, name: "bench-\(index)"), logger: logger)
        }
        let runners = clients.map { client in
            JobWorker(
                client: client, store: store, handlers: [DiagnosticJobs.noop],
                configuration: .init(concurrency: options.concurrency, claimBatch: options.batch, runsMaintenance: false),
                logger: logger)
        }
        let clock = ContinuousClock()
        let start = clock.now
        let tasks = runners.map { worker in Task { try await worker.run() } }
        while counter.value < options.jobs {
            try await Task.sleep(for: .milliseconds(1))
            if clock.now - start > .seconds(600) { throw BenchError("the drain did not finish within 10 minutes") }
        }
        let elapsed = clock.now - start
        for worker in runners { worker.shutdownGracefully() }
        for task in tasks { try await task.value }
        for client in clients { await client.close() }
        return Double(options.jobs) / elapsed.seconds
    }

    /// Enqueues one job at a time into an idle queue and measures until its handler starts.
    private func latency(schema: String, connection: PostgresConfiguration, logger: Logger) async throws -> [Double] {
        let store = JobStore(schema: schema)
        let started = Mutex<[Int64: ContinuousClock.Instant]>([:])
        let handler = ClosureJobHandler(kind: "bench.ping") { job in
            let now = ContinuousClock.now
            started.withLock { $0[job.id] = now }
            return .completed
        }
        let client = PostgresClient(configuration: .init(connection: connection, size: 4), logger: logger)
        let enqueuer = PostgresClient(configuration: .init(connection: connection, size: 1), logger: logger)
        let worker = JobWorker(client: client, store: store, handlers: [handler], logger: logger)
        let task = Task { try await worker.run() }
        try await Task.sleep(for: .milliseconds(300))
        var samples: [Double] = []
        for _ in 0..<200 {
            let before = ContinuousClock.now
            let id = try await enqueuer.withConnection { try store.enqueue(JobRequest(kind: "bench.ping"), on: $0).id }
            var startedAt: ContinuousClock.Instant?
            while startedAt == nil {
                try await Task.sleep(for: .microseconds(200))
                startedAt = started.withLock { $0[id] }
                if ContinuousClock.now - before > .seconds(5) { throw BenchError("a job did not start within 5 s") }
            }
            samples.append((startedAt! - before).seconds * 1000)
            try await Task.sleep(for: .milliseconds(20))  // idle again
        }
        worker.shutdownGracefully()
        try await task.value
        await client.close()
        await enqueuer.close()
        return samples.sorted()
    }

    private func rate(_ count: Int, _ body: () async throws -> Void) async throws -> Double {
        let clock = ContinuousClock()
        let elapsed = try await clock.measure { try await body() }
        return Double(count) / elapsed.seconds
    }
}
