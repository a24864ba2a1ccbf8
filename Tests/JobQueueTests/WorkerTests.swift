import Foundation
import JobQueue
import MetricsTestKit
import Postgres
import TestSupport
import Testing

@Suite("The worker (PostgreSQL)")
struct WorkerTests {
    @Test("a worker runs every job once and the table empties; outcomes are counted")
    func runsEverything() async throws {
        try await QueueTests.withQueue { client, store, metrics async throws in
            let handler = RecordingHandler(kind: "record", schema: store.schema, client: client)
            try await client.withConnection { try store.enqueue((0..<500).map { _ in JobRequest(kind: "record") }, on: $0) }
            let worker = QueueTests.worker(client, store, handlers: [handler], concurrency: 20)
            try await QueueTests.running(worker) { () async throws in
                #expect(try await TestDatabase.eventually { try await QueueTests.count(client, "SELECT count(*) FROM \(store.schema).jobs") == 0 })
            }
            #expect(try await QueueTests.count(client, "SELECT count(*) FROM \(store.schema).runs") == 500)
            #expect(try await QueueTests.count(client, "SELECT sum(completed) FROM \(store.schema).job_throughput") == 500)
            // Unless the minute turned during the run, stats show them as this minute's.
            let stats = try await client.withConnection { try store.stats(on: $0) }
            #expect(stats.first.map { $0.completedThisMinute + $0.completedLastMinute } == 500)
            #expect(try metrics.expectCounter("civicq_jobs_completed_total", [("kind", "record")]).totalValue == 500)
            #expect(try metrics.expectTimer("civicq_jobs_run_duration_seconds", [("kind", "record")]).values.count == 500)
        }
    }

    @Test("two workers never run the same attempt at once")
    func twoWorkers() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            // A second pool, as a second process would have.
            let other = PostgresClient(configuration: .init(connection: client.configuration.connection, size: 6), logger: TestDatabase.logger)
            let seen = Recorder<Int64>()
            let handler = ClosureJobHandler(kind: "record") { job in
                seen.append(job.id)
                try await client.withConnection { [schema = store.schema] connection in
                    try connection.execute("INSERT INTO \(identifier: schema).runs (job_id, attempt) VALUES (\(job.id), \(job.attempt))")
                }
                return .completed
            }
            try await client.withConnection { try store.enqueue((0..<2_000).map { _ in JobRequest(kind: "record") }, on: $0) }
            let first = QueueTests.worker(client, store, handlers: [handler], concurrency: 16)
            let second = QueueTests.worker(other, store, handlers: [handler], concurrency: 16)
            try await QueueTests.running(first) { () async throws in
                try await QueueTests.running(second) { () async throws in
                    #expect(try await TestDatabase.eventually { try await QueueTests.count(client, "SELECT count(*) FROM \(store.schema).jobs") == 0 })
                }
            }
            await other.close()
            #expect(seen.values.count == 2_000)
            #expect(Set(seen.values).count == 2_000)
            #expect(try await QueueTests.count(client, "SELECT count(DISTINCT worker) FROM \(store.schema).job_throughput") == 2)
        }
    }

    @Test("a job that always fails is retried with backoff and ends dead with its error")
    func failsToDead() async throws {
        try await QueueTests.withQueue { client, store, metrics async throws in
            let attempts = Recorder<ContinuousClock.Instant>()
            struct Broken: Error, CustomStringConvertible { var description: String { "the gateway said no" } }
            let handler = ClosureJobHandler(kind: "flaky") { _ in
                attempts.append(.now)
                throw Broken()
            }
            let id = try await client.withConnection { try store.enqueue(JobRequest(kind: "flaky", maxAttempts: 4), on: $0).id }
            let retry = RetryPolicy(base: .milliseconds(200), cap: .seconds(5), jitter: 0)
            let worker = QueueTests.worker(client, store, handlers: [handler], poll: .milliseconds(50), retry: retry)
            try await QueueTests.running(worker) { () async throws in
                #expect(try await TestDatabase.eventually { try await client.withConnection { try store.state(of: id, on: $0) }?.state == .dead })
            }
            let times = attempts.values
            try #require(times.count == 4)
            // Backoff 200 ms, 400 ms, 800 ms between the attempts (none early).
            for (index, expected) in [200, 400, 800].enumerated() {
                #expect(times[index + 1] - times[index] >= .milliseconds(expected - 5), "gap \(index): \(times[index + 1] - times[index])")
            }
            let state = try await client.withConnection { try store.state(of: id, on: $0) }
            #expect(state?.attempt == 4)
            #expect(state?.lastError?.contains("the gateway said no") == true)
            let dead = try await client.withConnection { try store.deadJobs(on: $0) }
            #expect(dead.map(\.id) == [id])
            #expect(try metrics.expectCounter("civicq_jobs_failed_total", [("kind", "flaky")]).totalValue == 3)
            #expect(try metrics.expectCounter("civicq_jobs_dead_total", [("kind", "flaky")]).totalValue == 1)
        }
    }

    @Test("a permanent error makes the job dead at once")
    func permanentError() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            let handler = ClosureJobHandler(kind: "bad") { _ in throw PermanentJobError("the payload names no case") }
            let id = try await client.withConnection { try store.enqueue(JobRequest(kind: "bad"), on: $0).id }
            try await QueueTests.running(QueueTests.worker(client, store, handlers: [handler])) { () async throws in
                #expect(try await TestDatabase.eventually { try await client.withConnection { try store.state(of: id, on: $0) }?.state == .dead })
            }
            let state = try await client.withConnection { try store.state(of: id, on: $0) }
            #expect(state?.attempt == 1)
            #expect(state?.lastError == "the payload names no case")
        }
    }

    @Test("a scheduled job runs when due, not before")
    func scheduled() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            let started = Recorder<Date>()
            let handler = ClosureJobHandler(kind: "later") { _ in
                started.append(Date())
                return .completed
            }
            let due = Date().addingTimeInterval(1.5)
            try await client.withConnection { try store.enqueue(JobRequest(kind: "later", runAt: due), on: $0) }
            try await QueueTests.running(QueueTests.worker(client, store, handlers: [handler], poll: .seconds(5))) { () async throws in
                #expect(try await TestDatabase.eventually { started.values.count == 1 })
            }
            #expect(started.values[0] >= due)
            #expect(started.values[0].timeIntervalSince(due) < 1.0)
        }
    }

    @Test("a snooze runs the job again later without using up an attempt")
    func snooze() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            let runs = Recorder<Int>()
            let handler = ClosureJobHandler(kind: "wait") { job in
                runs.append(job.attempt)
                return runs.values.count == 1 ? .snooze(.milliseconds(300)) : .completed
            }
            let id = try await client.withConnection { try store.enqueue(JobRequest(kind: "wait", maxAttempts: 1), on: $0).id }
            try await QueueTests.running(QueueTests.worker(client, store, handlers: [handler], poll: .milliseconds(50))) { () async throws in
                #expect(try await TestDatabase.eventually { try await client.withConnection { try store.state(of: id, on: $0) } == nil })
            }
            #expect(runs.values == [1, 2])
        }
    }

    @Test("a handler past its timeout is cancelled and the attempt counts")
    func timeout() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            let handler = ClosureJobHandler(kind: "slow", timeout: .milliseconds(200)) { _ in
                try await Task.sleep(for: .seconds(30))
                return .completed
            }
            let id = try await client.withConnection { try store.enqueue(JobRequest(kind: "slow", maxAttempts: 1), on: $0).id }
            let clock = ContinuousClock()
            let start = clock.now
            try await QueueTests.running(QueueTests.worker(client, store, handlers: [handler])) { () async throws in
                #expect(try await TestDatabase.eventually { try await client.withConnection { try store.state(of: id, on: $0) }?.state == .dead })
            }
            #expect(clock.now - start < .seconds(10))
            let state = try await client.withConnection { try store.state(of: id, on: $0) }
            #expect(state?.lastError?.contains("timed out") == true)
        }
    }

    @Test("leases are renewed while a long job runs, so it is not rescued")
    func heartbeat() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            // The job runs for three leases; only renewals keep it from being rescued.
            let handler = RecordingHandler(kind: "long", schema: store.schema, client: client, sleep: .milliseconds(4500))
            try await client.withConnection { try store.enqueue(JobRequest(kind: "long"), on: $0) }
            let worker = QueueTests.worker(
                client, store, handlers: [handler], lease: .milliseconds(1500), heartbeat: .milliseconds(250), maintenance: .milliseconds(100))
            try await QueueTests.running(worker) { () async throws in
                #expect(try await TestDatabase.eventually { try await QueueTests.count(client, "SELECT count(*) FROM \(store.schema).runs") == 1 })
            }
            #expect(try await QueueTests.count(client, "SELECT max(attempt) FROM \(store.schema).runs") == 1)
        }
    }

    @Test("a job whose worker vanished is rescued after its lease and run by another")
    func rescue() async throws {
        try await QueueTests.withQueue { client, store, metrics async throws in
            let handler = RecordingHandler(kind: "record", schema: store.schema, client: client)
            let id = try await client.withConnection { try store.enqueue(JobRequest(kind: "record"), on: $0).id }
            // A worker claims the job and dies without a word.
            _ = try await client.withConnection { try store.claim(queue: "default", limit: 1, lease: .milliseconds(500), worker: "ghost", on: $0) }
            try await QueueTests.running(QueueTests.worker(client, store, handlers: [handler], maintenance: .milliseconds(100))) { () async throws in
                #expect(try await TestDatabase.eventually { try await QueueTests.count(client, "SELECT count(*) FROM \(store.schema).runs") == 1 })
            }
            #expect(try await QueueTests.count(client, "SELECT attempt FROM \(store.schema).runs WHERE job_id = \(id)") == 2)
            #expect(try metrics.expectCounter("civicq_jobs_rescued_total").totalValue == 1)
        }
    }

    @Test("graceful shutdown lets a short job finish and releases a long one for others")
    func gracefulShutdown() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            let short = RecordingHandler(kind: "short", schema: store.schema, client: client, sleep: .milliseconds(200))
            let long = RecordingHandler(kind: "long", schema: store.schema, client: client, sleep: .seconds(30))
            let ids = try await client.withConnection { connection in
                try store.enqueue([JobRequest(kind: "short"), JobRequest(kind: "long")], on: connection).map(\.id)
            }
            let worker = QueueTests.worker(client, store, handlers: [short, long], grace: .seconds(3))
            let task = Task { try await worker.run() }
            #expect(try await TestDatabase.eventually { worker.runningCount == 2 })
            let clock = ContinuousClock()
            let stopAt = clock.now
            worker.shutdownGracefully()
            try await task.value
            #expect(clock.now - stopAt < .seconds(8))
            #expect(try await client.withConnection { try store.state(of: ids[0], on: $0) } == nil)
            let released = try await client.withConnection { try store.state(of: ids[1], on: $0) }
            #expect(released?.state == .available)
            #expect(released?.attempt == 0)
        }
    }

    @Test("a cancelled worker (a hard stop) returns at once, not after its grace period")
    func hardStop() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            let long = RecordingHandler(kind: "long", schema: store.schema, client: client, sleep: .seconds(30))
            let id = try await client.withConnection { try store.enqueue(JobRequest(kind: "long"), on: $0).id }
            let worker = QueueTests.worker(client, store, handlers: [long], grace: .seconds(20))
            let task = Task { try await worker.run() }
            #expect(try await TestDatabase.eventually { worker.runningCount == 1 })
            let clock = ContinuousClock()
            let stopAt = clock.now
            task.cancel()
            _ = await task.result
            #expect(clock.now - stopAt < .seconds(3))
            // Its outcome could not be written: the job waits for its lease to end, then runs again.
            #expect(try await client.withConnection { try store.state(of: id, on: $0) }?.state == .running)
        }
    }

    @Test("an idle worker wakes on NOTIFY, well before its poll")
    func notifyWakes() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            let started = Recorder<ContinuousClock.Instant>()
            let handler = ClosureJobHandler(kind: "ping") { _ in
                started.append(.now)
                return .completed
            }
            let worker = QueueTests.worker(client, store, handlers: [handler], poll: .seconds(60))
            try await QueueTests.running(worker) { () async throws in
                // Idle and listening, having looked for work since its LISTEN: only the NOTIFY
                // (or a poll, 60 s away) can find the job now.
                #expect(await worker.waitUntil { $0.idleAndListening })
                let before = worker.readiness
                let enqueued = ContinuousClock.now
                try await client.withConnection { try store.enqueue(JobRequest(kind: "ping"), on: $0) }
                #expect(try await TestDatabase.eventually(within: .seconds(5)) { started.values.count == 1 })
                #expect(started.values[0] - enqueued < .seconds(2))
                #expect(worker.readiness.notifications == before.notifications + 1)
            }
        }
    }

    @Test("after its listener's connection is killed, an idle worker reconnects and sweeps at once")
    func reconnectSweep() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            let started = Recorder<Int64>()
            let handler = ClosureJobHandler(kind: "quiet") { job in
                started.append(job.id)
                return .completed
            }
            let worker = QueueTests.worker(client, store, handlers: [handler], poll: .seconds(60))
            try await QueueTests.running(worker) { () async throws in
                // Idle and listening: the listener has connected and the worker has swept since.
                #expect(await worker.waitUntil { $0.idleAndListening })
                let passes = worker.readiness.passes
                // A job inserted without a NOTIFY: only a poll (60 s away) or a sweep finds it.
                try await client.withConnection { connection in
                    try connection.execute(
                        "SELECT \(unsafe: store.schema).jobs_enqueue(ARRAY[ROW(NULL, 'quiet', NULL, NULL, NULL, NULL, NULL)::\(unsafe: store.schema).job_request], false)")
                }
                #expect(started.values.isEmpty)
                #expect(worker.readiness.passes == passes)
                let killed = try await client.withConnection { connection in
                    try connection.query(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = \("LISTEN " + PostgresQuery.quoteIdentifier(store.channel))")
                        .count
                }
                #expect(killed == 1)
                // Well before the poll, 60 s away: the reconnection's sweep found it.
                #expect(try await TestDatabase.eventually(within: .seconds(30)) { started.values.count == 1 })
            }
        }
    }

    @Test("kept history is pruned in bounded batches")
    func historyPruned() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            try await client.withConnection { try store.enqueue((0..<30).map { _ in JobRequest(kind: "x") }, on: $0) }
            let claimed = try await client.withConnection { try store.claim(queue: "default", limit: 30, lease: .seconds(30), worker: "t", on: $0) }
            try await client.withConnection { connection in
                try store.settle(claimed.map { JobSettlement(id: $0.id, attempt: $0.attempt, result: .completed) }, worker: "t", keepHistory: true, on: connection)
            }
            let history = "SELECT count(*) FROM \(store.schema).job_history"
            #expect(try await QueueTests.count(client, history) == 30)
            // Finished a minute ago, as far as pruning can tell.
            try await client.withConnection { try $0.execute("UPDATE \(unsafe: store.schema).job_history SET finished_at = finished_at - interval '1 minute'") }
            let first = try await client.withConnection { try store.prune(historyRetention: .seconds(30), batch: 20, on: $0) }
            #expect(first == 20)
            let second = try await client.withConnection { try store.prune(historyRetention: .seconds(30), batch: 20, on: $0) }
            #expect(second == 10)
            #expect(try await QueueTests.count(client, history) == 0)
        }
    }

    @Test("dead jobs can be retried and discarded; cancelling a running job stops its handler")
    func adminActions() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            let ids = try await client.withConnection { connection in
                try store.enqueue([JobRequest(kind: "x", maxAttempts: 1), JobRequest(kind: "x", maxAttempts: 1)], on: connection).map(\.id)
            }
            let claimed = try await client.withConnection { try store.claim(queue: "default", limit: 2, lease: .seconds(30), worker: "t", on: $0) }
            try await client.withConnection { connection in
                try store.settle(claimed.map { JobSettlement(id: $0.id, attempt: $0.attempt, result: .failed(error: "no", retryAfter: .zero, permanent: false)) }, worker: "t", on: connection)
            }
            #expect(try await client.withConnection { try store.deadJobs(on: $0) }.count == 2)
            #expect(try await client.withConnection { try store.retryDead(ids: [ids[0]], on: $0) } == [ids[0]])
            #expect(try await client.withConnection { try store.state(of: ids[0], on: $0) }?.state == .available)
            #expect(try await client.withConnection { try store.discardDead(ids: nil, on: $0) } == [ids[1]])
            #expect(try await client.withConnection { try store.state(of: ids[1], on: $0) } == nil)

            let stopped = Recorder<Bool>()
            let handler = ClosureJobHandler(kind: "x") { _ in
                do { try await Task.sleep(for: .seconds(30)) } catch { stopped.append(true); throw error }
                return .completed
            }
            let worker = QueueTests.worker(client, store, handlers: [handler], heartbeat: .milliseconds(100))
            try await QueueTests.running(worker) { () async throws in
                #expect(try await TestDatabase.eventually { worker.runningCount == 1 })
                #expect(try await client.withConnection { try store.cancel(ids: [ids[0]], on: $0) } == [ids[0]])
                #expect(try await TestDatabase.eventually { stopped.values == [true] })
            }
            #expect(try await client.withConnection { try store.state(of: ids[0], on: $0) }?.state == .cancelled)
        }
    }

    @Test("stats count jobs per queue and state")
    func stats() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            try await client.withConnection { connection in
                try store.enqueue([JobRequest(kind: "x"), JobRequest(kind: "x", queue: "calls"), JobRequest(kind: "x", runAt: Date().addingTimeInterval(600))], on: connection)
            }
            let stats = try await client.withConnection { try store.stats(on: $0) }
            #expect(stats.map(\.queue) == ["calls", "default"])
            #expect(stats[1].counts[.available] == 1)
            #expect(stats[1].counts[.scheduled] == 1)
            #expect(stats[1].oldestAvailableAge != nil)
        }
    }
}
