import Foundation

/// The queue benchmark's figures and their renderings. Every ratio is against a pgbench floor
/// measured in the same run on the same table (``PgbenchFloor``). Enqueues and their floors
/// are measured in rounds; each is reported at its best over the rounds, best against best.
struct QueueReport {
    /// How a single job is enqueued.
    enum SingleForm: String, CaseIterable {
        /// One row, prepared (civicq now).
        case now
        /// The batch form of one, sent unnamed (civicq before issue 19).
        case before
    }

    /// What the jobs of a batch carry.
    enum BatchJobs: String, CaseIterable {
        /// The same job, `options.batch` times (one value per column).
        case identical
        /// A payload each (as routing jobs carry their case).
        case payloadEach = "payload_each"

        var label: String { self == .identical ? "identical jobs" : "a payload each" }
    }

    struct Single {
        let clients: Int
        let form: SingleForm
        let measured: Throughput
    }

    struct Batched {
        let clients: Int
        let jobs: BatchJobs
        let measured: Throughput
    }

    /// One floor measurement: pgbench with this many clients.
    struct Floor {
        let clients: Int
        let measured: Throughput
    }

    /// One batch floor measurement: pgbench inserting batches of these jobs.
    struct BatchFloor {
        let clients: Int
        let jobs: BatchJobs
        let measured: Throughput
    }

    /// Every round's measurements.
    var enqueueSingle: [Single] = []
    var enqueueBatched: [Batched] = []
    var singleFloors: [Floor] = []
    /// pgbench running civicq's own single-job statement.
    var sameSQLFloors: [Floor] = []
    var batchFloors: [BatchFloor] = []
    /// Each drain's rate, and the checkpoints the server began while it ran.
    var drain: [(workers: Int, rate: Double, checkpoints: Int)] = []
    var latency: [Double] = []
    var floor: [PgbenchFloor.Result]?

    private func percentile(_ p: Double) -> Double {
        guard !latency.isEmpty else { return .nan }
        return latency[min(latency.count - 1, Int(Double(latency.count) * p))]
    }

    private static func best<T>(_ items: [T], _ measured: (T) -> Throughput) -> T? { items.max { measured($0).rate < measured($1).rate } }

    /// The drain's floor: the best claim-and-complete rate over 1, 2, 4 and 8 clients.
    private var drainFloor: (clients: Int, rate: Double)? {
        floor?.max { $0.claimComplete < $1.claimComplete }.map { ($0.clients, $0.claimComplete) }
    }

    /// The floor of batches of `jobs`: the best `INSERT … SELECT` of the same rows over 1, 2,
    /// 4 and 8 clients and the rounds.
    private func batchFloor(_ jobs: BatchJobs) -> BatchFloor? { Self.best(batchFloors.filter { $0.jobs == jobs }, \.measured) }

    /// The single insert's floor at `clients` clients, the best of the rounds.
    private func singleFloor(_ clients: Int) -> Floor? { Self.best(singleFloors.filter { $0.clients == clients }, \.measured) }

    /// pgbench running civicq's single-job statement at `clients` clients, the best of the rounds.
    private func sameSQLFloor(_ clients: Int) -> Floor? { Self.best(sameSQLFloors.filter { $0.clients == clients }, \.measured) }

    private func single(_ clients: Int, _ form: SingleForm) -> Single? {
        Self.best(enqueueSingle.filter { $0.clients == clients && $0.form == form }, \.measured)
    }

    private func batched(_ clients: Int, _ jobs: BatchJobs) -> Batched? {
        Self.best(enqueueBatched.filter { $0.clients == clients && $0.jobs == jobs }, \.measured)
    }

    private var batchConnections: [Int] { Array(Set(enqueueBatched.map(\.clients))).sorted() }

    /// "civicq 31 µs + PostgreSQL 190 µs a job".
    private func cost(_ measured: Throughput, client: String) -> String {
        var text = client + String(format: " %.0f µs", measured.clientMicroseconds)
        if let postgres = measured.postgresMicroseconds { text += String(format: " + PostgreSQL %.0f µs", postgres) }
        return text + " a job"
    }

    func render(settings: (String, String, String), options: BenchOptions) -> String {
        var lines = [
            "Job queue — PostgreSQL \(settings.0), fsync=\(settings.1), synchronous_commit=\(settings.2); "
                + "\(options.jobs) no-op jobs, claim batch \(options.batch), concurrency \(options.concurrency) per worker; "
                + "enqueues and their floors: the best of \(options.repeats) rounds",
        ]
        for clients in [1, 8] {
            guard let now = single(clients, .now)?.measured else { continue }
            var line = String(format: "  enqueue one job per commit, %d client%@  %8.0f jobs/s", clients, clients == 1 ? " " : "s", now.rate)
            let floor = singleFloor(clients)?.measured
            if let floor {
                line += String(format: "   %4.2f× the floor (pgbench INSERT, %.0f, %d clients)", now.rate / floor.rate, floor.rate, clients)
            }
            if let before = single(clients, .before)?.measured {
                line += String(format: "   before (batch form, unprepared) %.0f = %4.2f×", before.rate, floor.map { before.rate / $0.rate } ?? .nan)
            }
            lines.append(line)
            var costs = "      " + cost(now, client: "civicq")
            if let floor { costs += "; floor: " + cost(floor, client: "pgbench") }
            lines.append(costs)
            if let same = sameSQLFloor(clients)?.measured {
                lines.append(String(format: "      civicq's statement in pgbench: %.0f jobs/s = %4.2f× the floor; civicq %4.2f× it; ", same.rate,
                                    floor.map { same.rate / $0.rate } ?? .nan, now.rate / same.rate) + cost(same, client: "pgbench"))
            }
        }
        for jobs in BatchJobs.allCases {
            if let floor = batchFloor(jobs) {
                lines.append(String(format: "  floor of batches of %d, %@: pgbench INSERT … SELECT, best %.0f jobs/s at %d clients (%@)", options.batch,
                                    jobs.label, floor.measured.rate, floor.clients, cost(floor.measured, client: "pgbench")))
            }
            for clients in batchConnections {
                guard let batched = batched(clients, jobs)?.measured else { continue }
                var line = String(format: "  enqueue, batches of %d, %@, %d connection%@ %10.0f jobs/s", options.batch, jobs.label,
                                  clients, clients == 1 ? " " : "s", batched.rate)
                if let floor = batchFloor(jobs) { line += String(format: "   %4.2f× its floor", batched.rate / floor.measured.rate) }
                if jobs != .identical, let identical = batchFloor(.identical) {
                    line += String(format: " (%4.2f× identical jobs' floor)", batched.rate / identical.measured.rate)
                }
                lines.append(line + "; " + cost(batched, client: "civicq"))
            }
        }
        for (workers, rate, checkpoints) in drain {
            var line = String(format: "  drain, %d worker(s)                   %10.0f jobs/s", workers, rate)
            if let floor = drainFloor {
                line += String(format: "   %4.2f× the floor (claim+complete, best %.0f at %d clients)", rate / floor.rate, floor.rate, floor.clients)
            }
            if checkpoints > 0 { line += "; \(checkpoints) checkpoint\(checkpoints == 1 ? "" : "s") began during it" }
            lines.append(line)
        }
        lines.append(String(format: "  enqueue-to-start, idle queue        p50 %6.2f ms   p99 %6.2f ms   max %6.2f ms (%d jobs)",
            percentile(0.5), percentile(0.99), latency.last ?? .nan, latency.count))
        if floor == nil { lines.append("  floor: pgbench not found") }
        return lines.joined(separator: "\n")
    }

    func json(settings: (String, String, String), options: BenchOptions) -> String {
        var object: [String: Any] = [
            "suite": "queue", "server_version": settings.0, "fsync": settings.1, "synchronous_commit": settings.2,
            "jobs": options.jobs, "batch": options.batch, "concurrency": options.concurrency, "rounds": options.repeats,
            "latency_ms": ["p50": percentile(0.5), "p99": percentile(0.99), "max": latency.last ?? 0, "samples": latency.count],
        ]
        // The best of the rounds, each against its floor's best.
        var singles: [[String: Any]] = []
        for clients in [1, 8] {
            for form in SingleForm.allCases {
                guard let item = single(clients, form) else { continue }
                var entry = Self.cost(item.measured).merging(["clients": clients, "form": form.rawValue, "per_second": item.measured.rate]) { $1 }
                if let floor = singleFloor(clients)?.measured {
                    entry["floor_per_second"] = floor.rate
                    entry["fraction_of_floor"] = item.measured.rate / floor.rate
                    entry["floor_cost"] = Self.cost(floor)
                }
                if let same = sameSQLFloor(clients)?.measured {
                    entry["same_sql_floor_per_second"] = same.rate
                    entry["fraction_of_same_sql_floor"] = item.measured.rate / same.rate
                    entry["same_sql_floor_cost"] = Self.cost(same)
                }
                singles.append(entry)
            }
        }
        object["enqueue_single"] = singles
        var batches: [[String: Any]] = []
        for jobs in BatchJobs.allCases {
            for clients in batchConnections {
                guard let item = batched(clients, jobs) else { continue }
                var entry = Self.cost(item.measured).merging(["clients": clients, "jobs": jobs.rawValue, "per_second": item.measured.rate]) { $1 }
                if let floor = batchFloor(jobs) {
                    entry["floor_per_second"] = floor.measured.rate
                    entry["fraction_of_floor"] = item.measured.rate / floor.measured.rate
                }
                if let identical = batchFloor(.identical) { entry["fraction_of_identical_floor"] = item.measured.rate / identical.measured.rate }
                batches.append(entry)
            }
        }
        object["enqueue_batched"] = batches
        // The identical jobs' floor keeps its key of earlier runs; the payloads' floor is new.
        for (key, jobs) in [("batch_floor", BatchJobs.identical), ("batch_floor_payload_each", .payloadEach)] {
            guard let floor = batchFloor(jobs) else { continue }
            object[key] = Self.cost(floor.measured).merging(["clients": floor.clients, "per_second": floor.measured.rate]) { $1 }
        }
        // Every round, in the order measured.
        object["rounds_measured"] = [
            "single_floors": singleFloors.map { ["clients": $0.clients, "per_second": $0.measured.rate] },
            "same_sql_floors": sameSQLFloors.map { ["clients": $0.clients, "per_second": $0.measured.rate] },
            "batch_floors": batchFloors.map { ["clients": $0.clients, "jobs": $0.jobs.rawValue, "per_second": $0.measured.rate] },
            "enqueue_single": enqueueSingle.map { ["clients": $0.clients, "form": $0.form.rawValue, "per_second": $0.measured.rate] },
            "enqueue_batched": enqueueBatched.map { ["clients": $0.clients, "jobs": $0.jobs.rawValue, "per_second": $0.measured.rate] },
        ]
        if let floors = floor {
            object["claim_complete_floors"] = floors.map { ["clients": $0.clients, "per_second": $0.claimComplete] }
        }
        object["drain"] = drain.map { item -> [String: Any] in
            var entry: [String: Any] = ["workers": item.workers, "per_second": item.rate, "checkpoints": item.checkpoints]
            if let floor = drainFloor {
                entry["floor_per_second"] = floor.rate
                entry["floor_clients"] = floor.clients
                entry["fraction_of_floor"] = item.rate / floor.rate
            }
            return entry
        }
        return jsonLine(object)
    }

    /// The CPU figures of a measurement, for the JSON.
    private static func cost(_ measured: Throughput) -> [String: Any] {
        var cost: [String: Any] = ["client_cpu_us_per_job": measured.clientMicroseconds]
        if let postgres = measured.postgresMicroseconds { cost["postgres_cpu_us_per_job"] = postgres }
        return cost
    }
}
