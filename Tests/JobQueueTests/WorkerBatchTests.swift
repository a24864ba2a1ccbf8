import Foundation
import JobQueue
import MetricsTestKit
import Postgres
import TestSupport
import Testing

/// A batch handler that records the size of each batch it is given.
private struct SizeRecordingHandler: JobBatchHandler {
    let kind = "sized"
    let batchSize: Int
    let sizes: Recorder<Int>

    func run(batch: [Job]) async throws -> [Result<JobOutcome, any Error>] {
        sizes.append(batch.count)
        try await Task.sleep(for: .milliseconds(20))
        return batch.map { _ in .success(.completed) }
    }
}

@Suite("The worker with batch handlers (PostgreSQL)")
struct WorkerBatchTests {
    @Test("a finished batch frees its slots together, so the next claim is a whole batch again")
    func fullBatches() async throws {
        try await QueueTests.withQueue { client, store, metrics async throws in
            let sizes = Recorder<Int>()
            try await client.withConnection { try store.enqueue((0..<1_000).map { _ in JobRequest(kind: "sized") }, on: $0) }
            // One batch fills every slot: each claim must wait for the whole batch to finish.
            let worker = QueueTests.worker(client, store, handlers: [SizeRecordingHandler(batchSize: 100, sizes: sizes)], concurrency: 100)
            try await QueueTests.running(worker) { () async throws in
                #expect(try await TestDatabase.eventually { try await QueueTests.count(client, "SELECT count(*) FROM \(store.schema).jobs") == 0 })
            }
            #expect(sizes.values.reduce(0, +) == 1_000)
            #expect(sizes.values == Array(repeating: 100, count: 10))
            #expect(try metrics.expectCounter("civicq_jobs_completed_total", [("kind", "sized")]).totalValue == 1_000)
        }
    }
}
