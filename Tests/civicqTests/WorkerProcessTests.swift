import Foundation
import JobQueue
import Postgres
import TestSupport
import Testing

@Suite("civicq worker processes (PostgreSQL)")
struct WorkerProcessTests {
    /// A migrated schema, and the arguments that point `civicq` at it.
    private func withSchema(_ body: (PostgresClient, JobStore, [String]) async throws -> Void) async throws {
        try await TestDatabase.withMigratedSchema(size: 2) { client, schema in
            try await body(client, JobStore(schema: schema), ["--schema", schema, "--database-url", try TestDatabase.conninfo])
        }
    }

    private func waitForExit(_ process: Process, within timeout: Duration) async throws -> Bool {
        try await TestDatabase.eventually(within: timeout) { !process.isRunning }
    }

    @Test("SIGTERM and SIGINT let the running job finish and the worker exits 0", arguments: [SIGTERM, SIGINT])
    func gracefulSignal(signal: Int32) async throws {
        try await withSchema { client, store, target async throws in
            let id = try await client.withConnection {
                // Long enough that a loaded machine's polling still sees it running.
                try store.enqueue(JobRequest(kind: "queue.sleep", payload: PostgresJSONB(text: "{\"ms\": 5000}")), on: $0).id
            }
            let worker = try CivicQProcess.launch(["worker", "--keep-history", "--poll-ms", "100"] + target)
            // Generous: the casework suites run workers beside this test.
            #expect(try await TestDatabase.eventually(within: .seconds(30)) { try await client.withConnection { try store.state(of: id, on: $0) }?.state == .running })
            kill(worker.processIdentifier, signal)
            #expect(try await waitForExit(worker, within: .seconds(15)))
            #expect(worker.terminationStatus == 0)
            #expect(try await client.withConnection { try store.state(of: id, on: $0) } == nil)
            let attempt = try await client.withConnection {
                try $0.query("SELECT attempt FROM \(unsafe: store.schema).job_history WHERE id = \(id)").scalar(Int.self)
            }
            #expect(attempt == 1)
        }
    }

    @Test("civicq jobs: enqueue, stats, dead, retry and discard, with exit codes for ids in the wrong state")
    func jobsCommands() async throws {
        try await withSchema { client, store, target async throws in
            let enqueued = try await CivicQProcess.run(["jobs", "enqueue", "--kind", "x.fails", "--count", "3", "--queue", "calls"] + target)
            #expect(enqueued.status == 0)
            #expect(enqueued.stdout.contains("enqueued 3 job(s)"))
            let bad = try await CivicQProcess.run(["jobs", "enqueue", "--kind", "x", "--payload", "[1]"] + target)
            #expect(bad.status == 64)

            let stats = try await CivicQProcess.run(["jobs", "stats", "--json"] + target)
            let queues = try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [[String: Any]]
            #expect(queues?.first?["queue"] as? String == "calls")
            #expect((queues?.first?["counts"] as? [String: Int])?["available"] == 3)

            // Make them dead as a worker would after the last attempt.
            let claimed = try await client.withConnection { try store.claim(queue: "calls", limit: 3, lease: .seconds(30), worker: "t", on: $0) }
            try await client.withConnection { connection in
                try store.settle(
                    claimed.map { JobSettlement(id: $0.id, attempt: $0.attempt, result: .failed(error: "gateway down", retryAfter: .zero, permanent: true)) },
                    worker: "t", on: connection)
            }
            let ids = claimed.map(\.id).sorted()
            let dead = try await CivicQProcess.run(["jobs", "dead"] + target)
            #expect(dead.stdout.contains("gateway down"))
            let retried = try await CivicQProcess.run(["jobs", "retry", String(ids[0])] + target)
            #expect(retried.status == 0)
            #expect(retried.stdout.contains("retried 1 job(s): \(ids[0])"))
            let again = try await CivicQProcess.run(["jobs", "retry", String(ids[0])] + target)
            #expect(again.status == 65)
            #expect(again.stderr.contains("not dead"))
            let neither = try await CivicQProcess.run(["jobs", "discard"] + target)
            #expect(neither.status == 64)
            let discarded = try await CivicQProcess.run(["jobs", "discard", "--all-dead"] + target)
            #expect(discarded.stdout.contains("discarded 2 job(s)"))
            let left = try await client.withConnection { try store.stats(on: $0) }
            #expect(left.first?.counts == [.available: 1])
        }
    }

    @Test("a SIGKILLed worker's jobs are completed by another worker after their leases end")
    func sigkill() async throws {
        try await withSchema { client, store, target async throws in
            // Jobs long enough that a loaded machine (CI runs the other suites beside this one)
            // still finds the doomed worker holding some when it dies.
            let requests = (0..<20).map { _ in JobRequest(kind: "queue.sleep", payload: PostgresJSONB(text: "{\"ms\": 6000}")) }
            try await client.withConnection { try store.enqueue(requests, on: $0) }
            let options = ["--concurrency", "10", "--lease-seconds", "3", "--poll-ms", "100", "--keep-history"]
            // Named, so that its backends can be told apart from any other worker's.
            let doomedName = TestDatabase.uniqueName("doomed")
            let doomed = try CivicQProcess.launch(["worker"] + options + target, environment: ["PGAPPNAME": doomedName])
            // The test's jobs: the worker's perpetual jobs (figures.rollup, hotspots.scan) run
            // from its start and must not count as the doomed worker holding work.
            let running = "SELECT count(*) FROM \(store.schema).jobs WHERE state = 'running' AND kind = 'queue.sleep'"
            #expect(try await TestDatabase.eventually(within: .seconds(30)) {
                try await client.withConnection { try $0.query(PostgresQuery(unsafeSQL: running)).scalar(Int.self) ?? 0 } > 0
            })
            kill(doomed.processIdentifier, SIGKILL)
            #expect(try await waitForExit(doomed, within: .seconds(5)))
            // Its backends finish what they had begun (an outcome being recorded commits even
            // though nobody reads the answer), then notice it is gone: only then is what it
            // left running known.
            #expect(try await TestDatabase.eventually {
                try await client.withConnection {
                    try $0.query("SELECT count(*) FROM pg_stat_activity WHERE application_name = \(doomedName)").scalar(Int.self)
                } == 0
            })
            // The jobs it held when it died: they must run again elsewhere, as attempt 2 (or a
            // later one, should a loaded machine let the survivor's own lease lapse once).
            let orphans = try await client.withConnection { connection in
                // The test's jobs only: the worker's perpetual figures.rollup job may be running too.
                try connection.query("SELECT id FROM \(unsafe: store.schema).jobs WHERE state = 'running' AND kind = 'queue.sleep'")
                    .map { try $0.decode(Int64.self, at: 0) }
            }
            #expect(!orphans.isEmpty)
            let survivor = try CivicQProcess.launch(["worker"] + options + target)
            defer { if survivor.isRunning { survivor.terminate() } }
            // The worker keeps its own figures.rollup job queued: count the test's jobs only.
            let left = "SELECT count(*) FROM \(store.schema).jobs WHERE kind = 'queue.sleep'"
            #expect(try await TestDatabase.eventually(within: .seconds(60)) {
                try await client.withConnection { try $0.query(PostgresQuery(unsafeSQL: left)).scalar(Int.self) } == 0
            })
            let (done, rescued) = try await client.withConnection { connection in
                try connection.query(
                    "SELECT count(*), count(*) FILTER (WHERE id = ANY(\(orphans)) AND attempt >= 2) FROM \(unsafe: store.schema).job_history WHERE kind = 'queue.sleep'"
                )[0].decode((Int, Int).self)
            }
            #expect(done == 20)
            #expect(rescued == orphans.count)
            survivor.terminate()
            #expect(try await waitForExit(survivor, within: .seconds(15)))
            #expect(survivor.terminationStatus == 0)
        }
    }
}
