import Foundation

/// The floors: pgbench running the queue's own claim-and-complete SQL with the same batch size
/// (what a drain does), and plain inserts into the same table (what an enqueue does), with
/// pgbench's prepared statements. A ratio is taken against the best of 1, 2, 4 and 8 clients,
/// or against the same client count where the issue asks for that (single enqueue).
struct PgbenchFloor {
    let schema: String
    let batch: Int

    struct Result {
        let clients: Int
        /// Jobs claimed and completed per second (the drain's cycle).
        let claimComplete: Double
    }

    func run(clients: [Int]) throws -> [Result]? {
        guard let pgbench = Self.pgbench else { return nil }
        return try clients.map { clients in
            try prepareBacklog(clients: clients)
            return Result(clients: clients, claimComplete: try cycle(pgbench, clients: clients, script: claimSQL + completeSQL).rate)
        }
    }

    /// `INSERT INTO jobs (kind) VALUES (…)`, prepared, one row per transaction, by `clients`
    /// clients making `transactions` each, on an emptied table after a checkpoint: what a
    /// single enqueue is compared with. `nil` without pgbench.
    func single(clients: Int, transactions: Int) throws -> Throughput? {
        try oneRowEach("INSERT INTO \(schema).jobs (kind) VALUES ('queue.noop')", clients: clients, transactions: transactions)
    }

    /// civicq's own single-job statement for a job with the table's defaults (`sql`, with `$1`
    /// the kind), prepared, one row per transaction: the same SQL as civicq sends, so that
    /// civicq's gap to it is the client's.
    func sameSQLSingle(_ sql: String, clients: Int, transactions: Int) throws -> Throughput? {
        try oneRowEach(sql.replacingOccurrences(of: "$1", with: ":k"), variables: ["k=queue.noop"], clients: clients, transactions: transactions)
    }

    /// `statement`, one job per transaction, on an emptied table after a checkpoint.
    private func oneRowEach(_ statement: String, variables: [String] = [], clients: Int, transactions: Int) throws -> Throughput? {
        guard let pgbench = Self.pgbench else { return nil }
        try empty()
        return try cycle(pgbench, clients: clients, script: statement.replacingOccurrences(of: "\n", with: " ") + ";\n",
                         transactions: transactions, jobsPerTransaction: 1, extra: variables.flatMap { ["-D", $0] })
    }

    /// `INSERT INTO jobs … SELECT … FROM generate_series(1, batch)`, prepared, ``batches``
    /// statements split among `clients`, on an emptied table after a checkpoint: what a batch
    /// enqueue of `jobs` is compared with: the same job each time, or each with a payload
    /// `{"case": n}` built by the server (the same payloads as civicq's batches carry, so
    /// that the floor writes the same rows). `nil` without pgbench.
    func batch(clients: Int, jobs: QueueReport.BatchJobs) throws -> Throughput? {
        guard let pgbench = Self.pgbench else { return nil }
        try empty()
        return try cycle(pgbench, clients: clients, script: insertSQL(jobs), transactions: max(1, Self.batches / clients), jobsPerTransaction: batch)
    }

    /// Batches in one measurement of batched inserts, split among the clients (as civicq's
    /// batch enqueues are): divisible by 1, 2, 4 and 8.
    static let batches = 240

    /// What empties the queue's tables before a measurement, one statement each (VACUUM cannot
    /// share a transaction): civicq's enqueues start from the same state as their floors.
    static func emptyingStatements(schema: String, checkpoint: Bool) -> [String] {
        ["TRUNCATE \(schema).jobs, \(schema).job_throughput", "VACUUM ANALYZE \(schema).jobs"] + (checkpoint ? ["CHECKPOINT"] : [])
    }

    private func empty() throws {
        let statements = Self.emptyingStatements(schema: schema, checkpoint: true)
        _ = try Self.execute(Self.psql ?? "psql", ["-q", "-v", "ON_ERROR_STOP=1"] + statements.flatMap { ["-c", $0] } + Self.connectionArguments)
    }

    private func insertSQL(_ jobs: QueueReport.BatchJobs) -> String {
        switch jobs {
        case .identical:
            "INSERT INTO \(schema).jobs (kind) SELECT 'queue.noop' FROM generate_series(1, \(batch));\n"
        case .payloadEach:
            "INSERT INTO \(schema).jobs (kind, payload) SELECT 'queue.noop', jsonb_build_object('case', n) FROM generate_series(1, \(batch)) AS n;\n"
        }
    }

    private var claimSQL: String {
        """
        WITH picked AS (SELECT id FROM \(schema).jobs WHERE state = 'available' AND queue = 'default' ORDER BY priority, run_at, id LIMIT \(batch) FOR NO KEY UPDATE SKIP LOCKED) UPDATE \(schema).jobs AS j SET state = 'running', attempt = j.attempt + 1, locked_by = 'pgbench-' || :client_id, attempted_at = now(), lease_until = now() + interval '30 seconds' FROM picked WHERE j.id = picked.id;

        """
    }

    private var completeSQL: String {
        "DELETE FROM \(schema).jobs WHERE state = 'running' AND locked_by = 'pgbench-' || :client_id;\n"
    }

    /// Transactions per client: about 100,000 jobs per client, and never more than the backlog.
    /// (A count, not pgbench's -T: -T needs SIGALRM, which a child of this process may find blocked.)
    private func transactions(clients: Int) -> Int { max(10, 400_000 / (batch * max(clients, 1))) }

    /// A backlog large enough that the claim-and-complete run never empties it.
    private func prepareBacklog(clients: Int) throws {
        _ = try Self.execute(
            Self.psql ?? "psql",
            ["-q", "-v", "ON_ERROR_STOP=1",
             "-c", "TRUNCATE \(schema).jobs",
             "-c", "INSERT INTO \(schema).jobs (kind) SELECT 'queue.noop' FROM generate_series(1, \(transactions(clients: clients) * clients * batch + batch))",
             "-c", "VACUUM ANALYZE \(schema).jobs", "-c", "CHECKPOINT"] + Self.connectionArguments)
    }

    /// The rate of pgbench running `script`, and the CPU it and the server used per job.
    private func cycle(
        _ pgbench: String, clients: Int, script: String, transactions: Int? = nil, jobsPerTransaction: Int? = nil, extra: [String] = []
    ) throws -> Throughput {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("civicq-floor-\(UUID().uuidString).sql")
        try script.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let cpu = Throughput.CPU(children: true)
        let output = try Self.execute(
            pgbench,
            ["-n", "-M", "prepared", "-c", "\(clients)", "-j", "\(clients)", "-t", "\(transactions ?? self.transactions(clients: clients))", "-f", file.path]
                + extra + Self.connectionArguments)
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
            let tps = Double(line.dropFirst(6).prefix(while: { $0 != " " }))
        else { throw BenchError("pgbench printed no tps") }
        let jobs = (jobsPerTransaction ?? batch) * (transactions ?? self.transactions(clients: clients)) * clients
        return cpu.throughput(rate: tps * Double(jobsPerTransaction ?? batch), jobs: jobs)
    }

    static var connectionArguments: [String] {
        let url = ProcessInfo.processInfo.environment["DATABASE_URL"] ?? ""
        return url.isEmpty ? [] : [url]
    }

    private static func tool(_ name: String) -> String? {
        let fm = FileManager.default
        let versions = (try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?.sorted { $0.compare($1, options: .numeric) == .orderedAscending } ?? []
        for version in versions.reversed() {
            let path = "/usr/lib/postgresql/\(version)/bin/\(name)"
            if fm.isExecutableFile(atPath: path) { return path }
        }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(directory)/\(name)"
            if fm.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    static var pgbench: String? { tool("pgbench") }
    static var psql: String? { tool("psql") }

    /// Runs pgbench or psql. Their sessions get civicq's `jit = off` (`PGOPTIONS`,
    /// ``CaseworkStore/sessionOptions(schema:applicationName:)``): a floor runs its SQL as
    /// civicq's sessions do.
    static func execute(_ executable: String, _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        merged["PGOPTIONS"] = (merged["PGOPTIONS"].map { $0 + " " } ?? "") + "-c jit=off"
        process.environment = merged
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else { throw BenchError("\(executable) failed: \(output.suffix(300))") }
        return output
    }
}
