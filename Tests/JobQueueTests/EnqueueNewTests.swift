import Foundation
import JobQueue
import Postgres
import TestSupport
import Testing

/// `jobs_enqueue_new` (the queue's migration 021): the rows and wake-up of `jobs_enqueue`
/// without the arbiter check, for keys made from ids just created.
@Suite("Enqueue of new keys (PostgreSQL)")
struct EnqueueNewTests {
    @Test("new keys insert in order, scheduled or available, with the same wake-up; a live key is refused and stores nothing",
          .timeLimit(.minutes(1)))  // a missing wake-up would otherwise wait for ever
    func newKeys() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            let schema = store.schema
            @Sendable func request(_ key: String, queue: String = "routing", runAt: String = "NULL") -> String {
                "ROW('\(queue)', 'case.route', jsonb_build_object('key', '\(key)'), NULL, \(runAt), NULL, '\(key)')::\(schema).job_request"
            }
            try await QueueTests.listeningForWakeUps(schema: schema) { events in
                let rows = try await client.withConnection { connection in
                    try connection.query(PostgresQuery(unsafeSQL: """
                        SELECT id, inserted FROM \(schema).jobs_enqueue_new(ARRAY[\(request("route:1:0")), \(request("route:2:0")),
                            \(request("route:3:0", runAt: "now() + interval '1 hour'"))])
                        """)).map { try $0.decode((Int64, Bool).self) }
                }
                var notified: String?
                while let event = await events.next(isolation: #isolation) {
                    if case .notification(let notification) = event { notified = notification.payload; break }
                }
                #expect(rows.count == 3 && rows.allSatisfy(\.1))
                #expect(rows.map(\.0) == rows.map(\.0).sorted())
                #expect(notified == "routing")
                let states = try await client.withConnection {
                    try $0.query(PostgresQuery(unsafeSQL: "SELECT string_agg(unique_key || '=' || state, ' ' ORDER BY id) FROM \(schema).jobs"))
                        .scalar(String.self)
                }
                #expect(states == "route:1:0=available route:2:0=available route:3:0=scheduled")

                // A key that is live after all is a unique violation, not a merge; the batch stores nothing.
                let refused = await #expect(throws: PostgresError.self) {
                    try await client.withConnection { connection in
                        try connection.execute(PostgresQuery(unsafeSQL:
                            "SELECT \(schema).jobs_enqueue_new(ARRAY[\(request("route:4:0")), \(request("route:1:0"))])"))
                    }
                }
                #expect(refused?.sqlState?.rawValue == "23505")
                #expect(try await QueueTests.count(client, "SELECT count(*) FROM \(schema).jobs") == 3)
                // jobs_enqueue, built from the same rows, still merges it.
                let merged = try await client.withConnection { try store.enqueue(JobRequest(kind: "case.route", queue: "routing", uniqueKey: "route:1:0"), on: $0) }
                #expect(!merged.inserted && merged.id == rows[0].0)

                // Every queue with a job due now is woken once; a queue whose jobs are all ahead is not.
                // (The merge above woke routing first: a request due now wakes its queue, merged or not.)
                try await client.withConnection { connection in
                    try connection.execute(PostgresQuery(unsafeSQL: """
                        SELECT \(schema).jobs_enqueue_new(ARRAY[\(request("c:1", queue: "clocks")), \(request("w:1", queue: "webhooks")),
                            \(request("c:2", queue: "clocks")), \(request("l:1", queue: "later", runAt: "now() + interval '1 hour'"))])
                        """))
                }
                var woken: [String] = []
                while woken.count < 3, let event = await events.next(isolation: #isolation) {
                    if case .notification(let notification) = event { woken.append(notification.payload) }
                }
                #expect(woken == ["routing", "clocks", "webhooks"] || woken == ["routing", "webhooks", "clocks"])
            }
        }
    }
}
