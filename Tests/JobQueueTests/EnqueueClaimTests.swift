import Foundation
import JobQueue
import MetricsTestKit
import Postgres
import TestSupport
import Testing

@Suite("Enqueue, unique keys and claims (PostgreSQL)")
struct EnqueueClaimTests {
    @Test("enqueue one and many; a future run time is scheduled; a rolled-back transaction leaves no job")
    func enqueue() async throws {
        try await QueueTests.withQueue { client, store, metrics async throws in
            let one = try await client.withConnection { try store.enqueue(JobRequest(kind: "a"), on: $0) }
            #expect(one.inserted)
            let many = try await client.withConnection { connection in
                try store.enqueue((0..<100).map { JobRequest(kind: "b", payload: PostgresJSONB(text: "{\"n\": \($0)}")) }, on: connection)
            }
            #expect(many.count == 100)
            #expect(Set(many.map(\.id)).count == 100)
            #expect(many.map(\.id) == many.map(\.id).sorted())
            let later = try await client.withConnection {
                try store.enqueue(JobRequest(kind: "c", runAt: Date().addingTimeInterval(3600)), on: $0)
            }
            let state = try await client.withConnection { try store.state(of: later.id, on: $0) }
            #expect(state?.state == .scheduled)

            struct Abort: Error {}
            await #expect(throws: Abort.self) {
                try await client.withTransaction { connection in
                    try connection.executeScript("CREATE TABLE \(store.schema).intake_rows (id int)")
                    try store.enqueue(JobRequest(kind: "case.route"), on: connection)
                    throw Abort()
                }
            }
            #expect(try await QueueTests.count(client, "SELECT count(*) FROM \(store.schema).jobs WHERE kind = 'case.route'") == 0)
            #expect(try metrics.expectCounter("civicq_jobs_enqueued_total", [("kind", "b")]).totalValue == 100)
        }
    }

    @Test("one job alone wakes its queue at commit, at most once a debounce window; a job for later and a rolled-back one wake nobody",
          .timeLimit(.minutes(1)))  // a missing wake-up would otherwise wait for ever
    func singleWakeUps() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            let schema = store.schema
            let woken = try await QueueTests.listeningForWakeUps(schema: schema) { events in
                // A store per queue, so that each one's debouncer allows its first wake-up.
                func enqueue(_ request: JobRequest, store: JobStore = JobStore(schema: schema)) async throws {
                    _ = try await client.withConnection { try store.enqueue(request, on: $0) }
                }
                struct Abort: Error {}
                await #expect(throws: Abort.self) {
                    try await client.withTransaction { connection in
                        try JobStore(schema: schema).enqueue(JobRequest(kind: "k", queue: "rolled-back"), on: connection)
                        throw Abort()
                    }
                }
                try await enqueue(JobRequest(kind: "k", queue: "later", runAt: Date().addingTimeInterval(3600)))
                try await enqueue(JobRequest(kind: "k", queue: "unique", uniqueKey: "u-1"))
                try await enqueue(JobRequest(kind: "k", queue: "unique-later", runAt: Date().addingTimeInterval(3600), uniqueKey: "u-2"))
                try await enqueue(JobRequest(kind: "k", queue: "now"))
                try await enqueue(JobRequest(kind: "k"))  // the default queue, not sent: the row names it
                let twice = JobStore(schema: schema, notifyDebounce: .seconds(60))
                try await enqueue(JobRequest(kind: "k", queue: "twice"), store: twice)
                try await enqueue(JobRequest(kind: "k", queue: "twice"), store: twice)
                try await enqueue(JobRequest(kind: "k", queue: "last", runAt: Date().addingTimeInterval(-60)))
                var woken: [String] = []
                while woken.last != "last", let event = await events.next(isolation: #isolation) {
                    if case .notification(let notification) = event { woken.append(notification.payload) }
                }
                return woken
            }
            #expect(woken == ["unique", "now", "default", "twice", "last"])
            let rows = try await client.withConnection {
                try $0.query(PostgresQuery(unsafeSQL: "SELECT string_agg(queue || '=' || state, ' ' ORDER BY id) FROM \(schema).jobs")).scalar(String.self)
            }
            #expect(rows == "later=scheduled unique=available unique-later=scheduled now=available default=available twice=available twice=available last=available")
        }
    }

    @Test("one job alone and one job in a batch make the same row: defaults, scheduled or available, unique keys")
    func singleAndBatchFormsAgree() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            let past = Date().addingTimeInterval(-60)
            let requests = [
                JobRequest(kind: "plain"),
                JobRequest(kind: "full", queue: "clocks", payload: PostgresJSONB(text: #"{"case": 7, "名": "王"}"#), priority: -3,
                           maxAttempts: 4, uniqueKey: "k1"),
                JobRequest(kind: "later", runAt: Date().addingTimeInterval(3600)),
                JobRequest(kind: "overdue", runAt: past),
            ]
            func row(_ id: Int64) async throws -> [String] { try await QueueTests.jobRow(client, schema: store.schema, id: id, near: past) }
            for request in requests {
                let made = try await QueueTests.enqueueAloneAndInBatch(request, store: store, client: client, near: past)
                let alone = made.alone
                #expect(made.bothNew)
                #expect(made.row == made.batchRow, "\(request.kind)")
                // A second one alone with the same unique key is the live one.
                if request.uniqueKey != nil {
                    let again = try await client.withConnection { try store.enqueue(request, on: $0) }
                    #expect(again.id == alone.id && !again.inserted)
                }
            }
            // All of them in one batch without unique keys (columns that differ go as arrays):
            // the same rows again, ids in the order of the requests.
            let plain = requests.map { request -> JobRequest in
                var request = request
                request.uniqueKey = nil
                return request
            }
            let together = try await client.withConnection { [plain] in try store.enqueue(plain, on: $0) }
            #expect(together.map(\.id) == together.map(\.id).sorted() && together.allSatisfy(\.inserted))
            for (request, job) in zip(plain, together) {
                let alone = try await client.withConnection { try store.enqueue(request, on: $0) }
                #expect(try await row(job.id) == row(alone.id), "\(request.kind) in a batch")
            }
            // Jobs that differ only by their payload (routing jobs): each payload on its own job,
            // in the order of the requests, strings with quotes and arrays kept as they were.
            let payloads = [#"{"case": 1}"#, #"{"case": 2, "note": "他说\"快\""}"#, #"{"case": [3, "x", {"y": null}]}"#, "{}"]
            let byPayload = try await client.withConnection { connection in
                try store.enqueue(payloads.map { JobRequest(kind: "route", payload: PostgresJSONB(text: $0)) }, on: connection)
            }
            let stored = try await client.withConnection { connection in
                try zip(payloads, byPayload).map { payload, job in
                    try connection.query("SELECT payload = \(PostgresJSONB(text: payload))::jsonb FROM \(unsafe: store.schema).jobs WHERE id = \(job.id)")
                        .scalar(Bool.self) ?? false
                }
            }
            #expect(stored == [true, true, true, true])
            #expect(byPayload.map(\.id) == byPayload.map(\.id).sorted())
            // A payload that is not one JSON value stores nothing of its batch.
            let before = try await client.withConnection { try $0.query("SELECT count(*) FROM \(unsafe: store.schema).jobs").scalar(Int.self) }
            await #expect(throws: (any Error).self) {
                try await client.withConnection { connection in
                    try store.enqueue(["{}", "1, 2", "{}"].map { JobRequest(kind: "route", payload: PostgresJSONB(text: $0)) }, on: connection)
                }
            }
            let after = try await client.withConnection { try $0.query("SELECT count(*) FROM \(unsafe: store.schema).jobs").scalar(Int.self) }
            #expect(after == before)
        }
    }

    @Test("bad requests are refused before anything is stored")
    func invalid() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            await #expect(throws: JobQueueError.self) {
                try await client.withConnection { try store.enqueue([JobRequest(kind: "ok"), JobRequest(kind: "")], on: $0) }
            }
            await #expect(throws: JobQueueError.self) {
                try await client.withConnection { try store.enqueue(JobRequest(kind: "x", maxAttempts: 0), on: $0) }
            }
            // Lengths as PostgreSQL counts them, in code points: 129 Chinese characters are too
            // many for a kind, and so are 33 letters with a combining accent for a queue (33
            // characters to the eye and to Swift's count, 66 code points to the database).
            await #expect(throws: JobQueueError.self) {
                try await client.withConnection { try store.enqueue(JobRequest(kind: String(repeating: "派", count: 129)), on: $0) }
            }
            await #expect(throws: JobQueueError.self) {
                try await client.withConnection { try store.enqueue(JobRequest(kind: "k", queue: String(repeating: "e\u{301}", count: 33)), on: $0) }
            }
            #expect(try await QueueTests.count(client, "SELECT count(*) FROM \(store.schema).jobs") == 0)
            let longest = try await client.withConnection { try store.enqueue(JobRequest(kind: String(repeating: "派", count: 128)), on: $0) }
            #expect(longest.inserted)
        }
    }

    @Test("a unique key yields one live job: twice, in one batch, and from many tasks at once")
    func uniqueKeys() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            let first = try await client.withConnection { try store.enqueue(JobRequest(kind: "k", uniqueKey: "case-1:route"), on: $0) }
            let second = try await client.withConnection { try store.enqueue(JobRequest(kind: "k", uniqueKey: "case-1:route"), on: $0) }
            #expect(first.inserted && !second.inserted)
            #expect(first.id == second.id)

            let batch = try await client.withConnection { connection in
                try store.enqueue(
                    [JobRequest(kind: "k", uniqueKey: "case-2"), JobRequest(kind: "k"), JobRequest(kind: "k", uniqueKey: "case-2"),
                     JobRequest(kind: "k", uniqueKey: "case-1:route")], on: connection)
            }
            #expect(batch[0].inserted && batch[1].inserted && !batch[2].inserted && !batch[3].inserted)
            #expect(batch[2].id == batch[0].id)
            #expect(batch[3].id == first.id)

            let racers = try await withThrowingTaskGroup(of: EnqueuedJob.self) { group in
                for _ in 0..<16 {
                    group.addTask { try await client.withConnection { try store.enqueue(JobRequest(kind: "k", uniqueKey: "case-3"), on: $0) } }
                }
                return try await group.reduce(into: [EnqueuedJob]()) { $0.append($1) }
            }
            #expect(Set(racers.map(\.id)).count == 1)
            #expect(racers.filter(\.inserted).count == 1)
            #expect(try await QueueTests.count(client, "SELECT count(*) FROM \(store.schema).jobs WHERE unique_key = 'case-3'") == 1)

            // Once the job is done, the key is free again.
            let claimed = try await client.withConnection { try store.claim(queue: "default", limit: 100, lease: .seconds(30), worker: "t", on: $0) }
            try await client.withConnection { connection in
                try store.settle(claimed.map { JobSettlement(id: $0.id, attempt: $0.attempt, result: .completed) }, worker: "t", on: connection)
            }
            let again = try await client.withConnection { try store.enqueue(JobRequest(kind: "k", uniqueKey: "case-3"), on: $0) }
            #expect(again.inserted && again.id != racers[0].id)
        }
    }

    @Test("claims follow priority, then run time, then id; the plan walks jobs_claim_idx with no sort")
    func claimOrderAndPlan() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            let ids = try await client.withConnection { connection in
                try store.enqueue(
                    [JobRequest(kind: "x", priority: 5), JobRequest(kind: "x", priority: 0), JobRequest(kind: "x", priority: 5),
                     JobRequest(kind: "x", priority: -1), JobRequest(kind: "x", queue: "other", priority: -9)], on: connection
                ).map(\.id)
            }
            let order = try await client.withConnection { try store.claim(queue: "default", limit: 10, lease: .seconds(30), worker: "t", on: $0) }
            #expect(order.map(\.id) == [ids[3], ids[1], ids[0], ids[2]])
            #expect(order.allSatisfy { $0.attempt == 1 })

            let plan = try await client.withConnection { connection in
                try connection.executeScript("SET enable_seqscan = off")
                defer { try? connection.executeScript("RESET enable_seqscan") }
                return try connection.query(
                    """
                    EXPLAIN SELECT id FROM \(unsafe: store.schema).jobs WHERE state = 'available' AND queue = 'default'
                    ORDER BY priority, run_at, id LIMIT 10 FOR NO KEY UPDATE SKIP LOCKED
                    """
                ).map { try $0.decode(String.self, at: 0) }.joined(separator: "\n")
            }
            #expect(plan.contains("Index Scan using jobs_claim_idx"), "\(plan)")
            #expect(!plan.contains("Sort"), "\(plan)")
        }
    }

    @Test("two claimers at once never get the same job")
    func skipLocked() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            try await client.withConnection { connection in
                try store.enqueue((0..<2_000).map { _ in JobRequest(kind: "x") }, on: connection)
            }
            let claims = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var mine: [Int64] = []
                        while true {
                            let jobs = try await client.withConnection {
                                try store.claim(queue: "default", limit: 50, lease: .seconds(30), worker: "w\(worker)", on: $0)
                            }
                            if jobs.isEmpty { return mine }
                            mine += jobs.map(\.id)
                        }
                    }
                }
                return try await group.reduce(into: [[Int64]]()) { $0.append($1) }
            }
            let all = claims.flatMap { $0 }
            #expect(all.count == 2_000)
            #expect(Set(all).count == 2_000)
        }
    }

    @Test("a stale outcome is refused: the guard is id, attempt and running state")
    func staleCompletionRefused() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            let id = try await client.withConnection { try store.enqueue(JobRequest(kind: "x"), on: $0).id }
            let first = try await client.withConnection { try store.claim(queue: "default", limit: 1, lease: .seconds(30), worker: "old", on: $0) }
            // The old worker went silent: its lease ran out a second ago.
            try await client.withConnection { try $0.execute("UPDATE \(unsafe: store.schema).jobs SET lease_until = now() - interval '1 second' WHERE id = \(id)") }
            let rescued = try await client.withConnection { try store.rescueExpired(on: $0) }
            #expect(rescued.available == 1)
            // Rescued but not yet claimed again: the old worker's completion is refused.
            let early = try await client.withConnection {
                try store.settle([JobSettlement(id: id, attempt: first[0].attempt, result: .completed)], worker: "old", on: $0)
            }
            #expect(early.refused == 1)
            let second = try await client.withConnection { try store.claim(queue: "default", limit: 1, lease: .seconds(30), worker: "new", on: $0) }
            #expect(second.first?.attempt == 2)
            let late = try await client.withConnection {
                try store.settle([JobSettlement(id: id, attempt: 1, result: .failed(error: "old", retryAfter: .zero, permanent: true))], worker: "old", on: $0)
            }
            #expect(late.refused == 1)
            #expect(try await client.withConnection { try store.state(of: id, on: $0) }?.state == .running)
            let current = try await client.withConnection {
                try store.settle([JobSettlement(id: id, attempt: 2, result: .completed)], worker: "new", on: $0)
            }
            #expect(current.completed == 1)
            #expect(try await client.withConnection { try store.state(of: id, on: $0) } == nil)
        }
    }

    @Test("renewing leases does not wait for a row another transaction holds (an outcome being recorded): no deadlock, and the job still counts as held")
    func renewSkipsLockedRows() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            try await client.withConnection { try store.enqueue([JobRequest(kind: "x"), JobRequest(kind: "x"), JobRequest(kind: "x")], on: $0) }
            let jobs = try await client.withConnection { try store.claim(queue: "default", limit: 3, lease: .seconds(2), worker: "w", on: $0) }
            #expect(jobs.count == 3)
            let held = jobs.map { (id: $0.id, attempt: $0.attempt) }
            let (busy, rescued) = (jobs[0].id, jobs[2].id)
            let locked = Recorder<Bool>()
            let release = DispatchSemaphore(value: 0)
            // Another connection holds one row locked, as a settle in flight does.
            let other = PostgresClient(configuration: .init(connection: client.configuration.connection, size: 1), logger: TestDatabase.logger)
            let holder = Task {
                try await other.withTransaction { connection in
                    try connection.execute("SELECT 1 FROM \(identifier: store.schema).jobs WHERE id = \(busy) FOR UPDATE")
                    locked.append(true)
                    // On the connection's own thread, not the cooperative pool.
                    release.wait()
                }
            }
            #expect(try await TestDatabase.eventually { !locked.values.isEmpty })
            // One job was taken back meanwhile (rescued): it is no longer held.
            try await client.withConnection {
                try $0.execute("UPDATE \(identifier: store.schema).jobs SET state = 'available', lease_until = NULL WHERE id = \(rescued)")
            }
            // Were renewal to wait for the lock, this lets it go after 60 s (a failure, not a hang),
            // and says so: renewal must return while the lock is still held, however slow the machine.
            let safetyFired = Recorder<Bool>()
            let safety = Task {
                try await Task.sleep(for: .seconds(60))
                safetyFired.append(true)
                release.signal()
            }
            let stillHeld = try await client.withConnection { try store.renewLeases(held, lease: .seconds(60), on: $0) }
            let waited = !safetyFired.values.isEmpty
            safety.cancel()
            release.signal()
            try await holder.value
            await other.close()
            #expect(stillHeld == [jobs[0].id, jobs[1].id], "the locked job is still held; the rescued one is not")
            #expect(!waited, "it did not wait for the lock")
            let leases = try await client.withConnection { connection in
                try connection.query(
                    "SELECT id, lease_until > now() + interval '30 seconds' FROM \(identifier: store.schema).jobs WHERE state = 'running' ORDER BY id"
                ).map { try $0.decode((Int64, Bool).self) }
            }
            #expect(leases.first { $0.0 == jobs[1].id }?.1 == true, "the free job's lease was extended")
            #expect(leases.first { $0.0 == busy }?.1 == false, "the locked one was left for its owner")
        }
    }
}
