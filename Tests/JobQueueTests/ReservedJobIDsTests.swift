import Foundation
import JobQueue
import Postgres
import TestSupport
import Testing

/// A single enqueue without a unique key binds an id its store reserved from the table's
/// sequence, in blocks; batches and the database's functions draw from the same sequence.
@Suite("Reserved job ids (PostgreSQL)")
struct ReservedJobIDsTests {
    @Test("single enqueues take ids a block at a time, from the sequence batches also draw from")
    func blocksFromTheOneSequence() async throws {
        try await QueueTests.withQueue { client, queue, _ async throws in
            let schema = queue.schema
            let store = JobStore(schema: schema, reservedIDs: 4)
            func single() async throws -> EnqueuedJob {
                try await client.withConnection { try store.enqueue(JobRequest(kind: "single"), on: $0) }
            }
            let first = try await single()
            #expect(first.inserted)
            // The block is first … first+3; a batch meanwhile draws the next id from the sequence.
            let batched = try await client.withConnection { try store.enqueue([JobRequest(kind: "batch")], on: $0)[0] }
            #expect(batched.id == first.id + 4)
            var ids = [first.id]
            for _ in 0..<3 { ids.append(try await single().id) }
            #expect(ids == [first.id, first.id + 1, first.id + 2, first.id + 3])
            // The block used up, the next single takes a new one, after the batch's id.
            let fifth = try await single()
            #expect(fifth.id == batched.id + 1)
            // Another store (another process) holds its own block: no id is handed out twice.
            let other = JobStore(schema: schema, reservedIDs: 4)
            let others = try await client.withConnection { connection in
                try (0..<6).map { _ in try other.enqueue(JobRequest(kind: "other"), on: connection).id }
            }
            let all = ids + [batched.id, fifth.id] + others
            #expect(Set(all).count == all.count)
            // Every id is the row's, with its kind.
            let kinds = try await client.withConnection { connection in
                try connection.query("SELECT kind, count(*)::int FROM \(unsafe: schema).jobs WHERE id = ANY(\(all)) GROUP BY kind ORDER BY kind")
                    .map { "\(try $0.decode(String.self, at: 0))=\(try $0.decode(Int.self, at: 1))" }
            }
            #expect(kinds == ["batch=1", "other=6", "single=5"])
        }
    }

    @Test("an enqueue rolled back leaves its id unused; the next one takes another")
    func rollbackLeavesAGap() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            let (undone, next) = try await client.withConnection { connection in
                try connection.executeScript("BEGIN")
                let undone = try store.enqueue(JobRequest(kind: "undone"), on: connection)
                try connection.executeScript("ROLLBACK")
                return (undone, try store.enqueue(JobRequest(kind: "kept"), on: connection))
            }
            #expect(next.id != undone.id && next.inserted)
            #expect(try await QueueTests.count(client, "SELECT count(*) FROM \(store.schema).jobs") == 1)
        }
    }

    @Test("a store that reserves none gets each id from the server, in the order of insertion")
    func noneReserved() async throws {
        try await QueueTests.withQueue { client, queue, _ async throws in
            let store = JobStore(schema: queue.schema, reservedIDs: 0)
            let ids = try await client.withConnection { connection in
                [try store.enqueue(JobRequest(kind: "a"), on: connection).id,
                 try store.enqueue([JobRequest(kind: "b")], on: connection)[0].id,
                 try store.enqueue(JobRequest(kind: "c", queue: "other", runAt: Date().addingTimeInterval(60)), on: connection).id]
            }
            #expect(ids == [ids[0], ids[0] + 1, ids[0] + 2])
            let state = try await client.withConnection {
                try $0.query("SELECT kind || ' ' || state FROM \(unsafe: queue.schema).jobs WHERE id = \(ids[2])").scalar(String.self)
            }
            #expect(state == "c scheduled")
        }
    }

    @Test("a unique key still asks the database: the live job's id comes back, not a reserved one")
    func uniqueKeysAskTheDatabase() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            let request = JobRequest(kind: "keyed", uniqueKey: "k-1")
            let first = try await client.withConnection { try store.enqueue(request, on: $0) }
            let again = try await client.withConnection { try store.enqueue(request, on: $0) }
            #expect(first.inserted && !again.inserted && again.id == first.id)
        }
    }
}
