import Foundation

/// The queue benchmark's figures and their renderings. Every ratio is against a pgbench floor
/// measured in the same run on the same table (``PgbenchFloor``).
struct QueueReport {
    /// How a single job is enqueued.
    enum SingleForm: String, CaseIterable {
        /// One row, prepared (civicq now).
        case now
        /// The batch form of one, sent unnamed (civicq before issue 19).
        case before
    }

    struct Single {
        let clients: Int
        let form: SingleForm
        let rate: Double
    }

    var enqueueSingle: [Single] = []
    var enqueueBatched: [Double] = []
    /// Batches whose jobs each carry their own payload, by the number of connections at once.
    var enqueueBatchedDistinct: [(clients: Int, rate: Double)] = []

    /// The best of ``enqueueBatchedDistinct``.
    private var bestDistinct: (clients: Int, rate: Double)? { enqueueBatchedDistinct.max { $0.rate < $1.rate } }
    var drain: [(workers: Int, rate: Double)] = []
    var latency: [Double] = []
    var floor: [PgbenchFloor.Result]?
    var insertFloor: [PgbenchFloor.Inserts]?

    private func percentile(_ p: Double) -> Double {
        guard !latency.isEmpty else { return .nan }
        return latency[min(latency.count - 1, Int(Double(latency.count) * p))]
    }

    /// The drain's floor: the best claim-and-complete rate over 1, 2, 4 and 8 clients.
    private var drainFloor: (clients: Int, rate: Double)? {
        floor?.max { $0.claimComplete < $1.claimComplete }.map { ($0.clients, $0.claimComplete) }
    }

    /// The batch's floor: the best `INSERT … SELECT` rate over 1, 2, 4 and 8 clients.
    private var batchFloor: (clients: Int, rate: Double)? {
        insertFloor?.max { $0.batch < $1.batch }.map { ($0.clients, $0.batch) }
    }

    private func singleFloor(_ clients: Int) -> Double? { insertFloor?.first { $0.clients == clients }?.single }

    private func single(_ clients: Int, _ form: SingleForm) -> Double? {
        enqueueSingle.first { $0.clients == clients && $0.form == form }?.rate
    }

    func render(settings: (String, String, String), options: BenchOptions) -> String {
        var lines = [
            "Job queue — PostgreSQL \(settings.0), fsync=\(settings.1), synchronous_commit=\(settings.2); "
                + "\(options.jobs) no-op jobs, claim batch \(options.batch), concurrency \(options.concurrency) per worker",
            "  floors (pgbench, prepared, same table, this run): single INSERT at 1/2/4/8 clients "
                + (insertFloor.map { $0.map { String(format: "%.0f", $0.single) }.joined(separator: " / ") } ?? "-") + " jobs/s",
        ]
        for clients in [1, 8] {
            guard let now = single(clients, .now) else { continue }
            var line = String(format: "  enqueue one job per commit, %d client%@  %8.0f jobs/s", clients, clients == 1 ? " " : "s", now)
            if let floor = singleFloor(clients) {
                line += String(format: "   %4.2f× the floor (%.0f, %d clients)", now / floor, floor, clients)
            }
            if let before = single(clients, .before) {
                line += String(format: "   before (batch form, unprepared) %.0f = %4.2f×", before, singleFloor(clients).map { before / $0 } ?? .nan)
            }
            lines.append(line)
        }
        var batched = String(format: "  enqueue, batches of %-5d            %10.0f jobs/s (median of %d)", options.batch, median(enqueueBatched), enqueueBatched.count)
        if let floor = batchFloor {
            batched += String(format: "   %4.2f× the floor (INSERT … SELECT, best %.0f at %d clients)", median(enqueueBatched) / floor.rate, floor.rate, floor.clients)
        }
        lines.append(batched)
        for (clients, rate) in enqueueBatchedDistinct {
            var distinct = String(format: "  enqueue, batches of %-5d, payloads differ, %d connection%@ %8.0f jobs/s", options.batch, clients, clients == 1 ? " " : "s", rate)
            if let floor = batchFloor { distinct += String(format: "   %4.2f× the same floor", rate / floor.rate) }
            lines.append(distinct)
        }
        for (workers, rate) in drain {
            var line = String(format: "  drain, %d worker(s)                   %10.0f jobs/s", workers, rate)
            if let floor = drainFloor {
                line += String(format: "   %4.2f× the floor (claim+complete, best %.0f at %d clients)", rate / floor.rate, floor.rate, floor.clients)
            }
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
            "jobs": options.jobs, "batch": options.batch, "concurrency": options.concurrency,
            "enqueue_batched_per_second": median(enqueueBatched), "enqueue_batched_distinct_per_second": bestDistinct?.rate ?? 0,
            "enqueue_batched_distinct": enqueueBatchedDistinct.map { ["clients": $0.clients, "per_second": $0.rate] },
            "latency_ms": ["p50": percentile(0.5), "p99": percentile(0.99), "max": latency.last ?? 0, "samples": latency.count],
        ]
        object["enqueue_single"] = enqueueSingle.map { item -> [String: Any] in
            var entry: [String: Any] = ["clients": item.clients, "form": item.form.rawValue, "per_second": item.rate]
            if let floor = singleFloor(item.clients) {
                entry["floor_per_second"] = floor
                entry["fraction_of_floor"] = item.rate / floor
            }
            return entry
        }
        if let floor = batchFloor {
            object["batch_floor"] = ["clients": floor.clients, "per_second": floor.rate, "fraction": median(enqueueBatched) / floor.rate]
        }
        if let inserts = insertFloor {
            object["insert_floors"] = inserts.map { ["clients": $0.clients, "single_per_second": $0.single, "batch_per_second": $0.batch] }
        }
        if let floors = floor {
            object["claim_complete_floors"] = floors.map { ["clients": $0.clients, "per_second": $0.claimComplete] }
        }
        object["drain"] = drain.map { item -> [String: Any] in
            var entry: [String: Any] = ["workers": item.workers, "per_second": item.rate]
            if let floor = drainFloor {
                entry["floor_per_second"] = floor.rate
                entry["floor_clients"] = floor.clients
                entry["fraction_of_floor"] = item.rate / floor.rate
            }
            return entry
        }
        return jsonLine(object)
    }

    private func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        return values.sorted()[values.count / 2]
    }
}
