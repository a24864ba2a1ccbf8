import Foundation

/// The queue benchmark's figures and their renderings.
struct QueueReport {
    var enqueueSingle = 0.0
    var enqueueBatched: [Double] = []
    var drain: [(workers: Int, rate: Double)] = []
    var latency: [Double] = []
    var floor: [PgbenchFloor.Result]?

    private func percentile(_ p: Double) -> Double {
        guard !latency.isEmpty else { return .nan }
        return latency[min(latency.count - 1, Int(Double(latency.count) * p))]
    }

    private func floorFor(_ workers: Int) -> PgbenchFloor.Result? { floor?.first { $0.clients == workers } }

    func render(settings: (String, String, String), options: BenchOptions) -> String {
        var lines = [
            "Job queue — PostgreSQL \(settings.0), fsync=\(settings.1), synchronous_commit=\(settings.2); "
                + "\(options.jobs) no-op jobs, claim batch \(options.batch), concurrency \(options.concurrency) per worker",
            String(format: "  enqueue, one job per statement       %10.0f jobs/s", enqueueSingle),
            String(format: "  enqueue, batches of %-5d            %10.0f jobs/s (median of %d)", options.batch, median(enqueueBatched), enqueueBatched.count),
        ]
        for (workers, rate) in drain {
            var line = String(format: "  drain, %d worker(s)                   %10.0f jobs/s", workers, rate)
            if let floor = floorFor(workers) {
                line += String(format: "   floor %8.0f (claim+complete) %5.0f%%   %8.0f (insert+claim+complete) %5.0f%%",
                    floor.claimComplete, 100 * rate / floor.claimComplete, floor.insertClaimComplete, 100 * rate / floor.insertClaimComplete)
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
            "enqueue_single_per_second": enqueueSingle, "enqueue_batched_per_second": median(enqueueBatched),
            "latency_ms": ["p50": percentile(0.5), "p99": percentile(0.99), "max": latency.last ?? 0, "samples": latency.count],
        ]
        object["drain"] = drain.map { item -> [String: Any] in
            var entry: [String: Any] = ["workers": item.workers, "per_second": item.rate]
            if let floor = floorFor(item.workers) {
                entry["floor_claim_complete_per_second"] = floor.claimComplete
                entry["floor_insert_claim_complete_per_second"] = floor.insertClaimComplete
                entry["fraction_of_claim_complete_floor"] = item.rate / floor.claimComplete
                entry["fraction_of_insert_claim_complete_floor"] = item.rate / floor.insertClaimComplete
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
