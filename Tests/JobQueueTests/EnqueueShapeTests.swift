import Foundation
import JobQueue
import Postgres
import TestSupport
import Testing

@Suite("The single-job insert's shapes (PostgreSQL)")
struct EnqueueShapeTests {
    @Test("every mix of values that differ from the defaults, with and without a wake-up, makes the row a batch makes")
    func everyShapeMakesTheBatchRow() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            let queueSchema = store.schema
            // Every due job wakes its queue through one store; the other wakes only the first.
            let stores = [JobStore(schema: queueSchema, notifyDebounce: .zero), JobStore(schema: queueSchema, notifyDebounce: .seconds(3600))]
            let past = Date().addingTimeInterval(-60)
            var made = 0
            for store in stores {
                for mix in 0..<64 {
                    let request = JobRequest(
                        kind: "shape-\(mix)", queue: mix & 1 != 0 ? "other" : JobRequest.defaultQueue,
                        payload: mix & 2 != 0 ? PostgresJSONB(text: #"{"case": 9}"#) : JobRequest.defaultPayload,
                        priority: mix & 4 != 0 ? 7 : JobRequest.defaultPriority, runAt: mix & 16 != 0 ? past : nil,
                        maxAttempts: mix & 8 != 0 ? 3 : JobRequest.defaultMaxAttempts, uniqueKey: mix & 32 != 0 ? "shape-\(made)" : nil)
                    made += 1
                    let result = try await QueueTests.enqueueAloneAndInBatch(request, store: store, client: client, near: past)
                    #expect(result.bothNew)
                    #expect(result.row == result.batchRow, "mix \(mix)")
                }
            }
            // A job that sends only its kind has JobRequest's defaults, which are the table's
            // (its run time is now, not a minute ago).
            let plain = try await client.withConnection { try stores[1].enqueue(JobRequest(kind: "plain"), on: $0) }
            #expect(try await QueueTests.jobRow(client, schema: queueSchema, id: plain.id, near: past) == ["default", "plain", "{}", "0", "available", "20", "-", "false"])
        }
    }
}
