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
            func row(_ id: Int64) async throws -> [String] {
                try await client.withConnection { connection in
                    let row = try connection.query("""
                        SELECT queue, kind, payload::text, priority::text, state::text, max_attempts::text, coalesce(unique_key, '-'),
                               (abs(extract(epoch FROM run_at - coalesce(\(past)::timestamptz, now()))) < 5)::text
                        FROM \(unsafe: queueSchema).jobs WHERE id = \(id)
                        """).first!
                    return try (0..<8).map { try row.decode(String.self, at: $0) }
                }
            }
            var made = 0
            for store in stores {
                for mix in 0..<64 {
                    let request = JobRequest(
                        kind: "shape-\(mix)", queue: mix & 1 != 0 ? "other" : JobRequest.defaultQueue,
                        payload: mix & 2 != 0 ? PostgresJSONB(text: #"{"case": 9}"#) : JobRequest.defaultPayload,
                        priority: mix & 4 != 0 ? 7 : JobRequest.defaultPriority, runAt: mix & 16 != 0 ? past : nil,
                        maxAttempts: mix & 8 != 0 ? 3 : JobRequest.defaultMaxAttempts, uniqueKey: mix & 32 != 0 ? "shape-\(made)" : nil)
                    made += 1
                    let alone = try await client.withConnection { try store.enqueue(request, on: $0) }
                    var twin = request
                    twin.uniqueKey = request.uniqueKey.map { $0 + "-batch" }
                    let batched = try await client.withConnection { [twin] in try store.enqueue([twin], on: $0)[0] }
                    #expect(alone.inserted && batched.inserted)
                    var expected = try await row(batched.id)
                    if let key = request.uniqueKey { expected[6] = key }
                    #expect(try await row(alone.id) == expected, "mix \(mix)")
                }
            }
            // A job that sends only its kind has JobRequest's defaults, which are the table's
            // (its run time is now, not a minute ago).
            let plain = try await client.withConnection { try stores[1].enqueue(JobRequest(kind: "plain"), on: $0) }
            #expect(try await row(plain.id) == ["default", "plain", "{}", "0", "available", "20", "-", "false"])
        }
    }
}
