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
            try await body(client, JobStore(schema: schema), ["--schema", schema, "--database-url", try CivicQProcess.databaseURL])
        }
    }

    private func waitForExit(_ process: Process, within timeout: Duration) async throws -> Bool {
        try await TestDatabase.eventually(within: timeout) { !process.isRunning }
    }

    @Test("SIGTERM lets the running job finish and the worker exits 0")
    func sigterm() async throws {
        try await withSchema { client, store, target async throws in
            let id = try await client.withConnection {
                try store.enqueue(JobRequest(kind: "queue.sleep", payload: PostgresJSONB(text: "{\"ms\": 1500}")), on: $0).id
            }
            let worker = try CivicQProcess.launch(["worker", "--keep-history", "--poll-ms", "100"] + target)
            #expect(try await TestDatabase.eventually { try await client.withConnection { try store.state(of: id, on: $0) }?.state == .running })
            worker.terminate()  // SIGTERM
            #expect(try await waitForExit(worker, within: .seconds(15)))
            #expect(worker.terminationStatus == 0)
            #expect(try await client.withConnection { try store.state(of: id, on: $0) } == nil)
            let attempt = try await client.withConnection {
                try $0.query("SELECT attempt FROM \(unsafe: store.schema).job_history WHERE id = \(id)").scalar(Int.self)
            }
            #expect(attempt == 1)
        }
    }

    @Test("a SIGKILLed worker's jobs are completed by another worker after their leases end")
    func sigkill() async throws {
        try await withSchema { client, store, target async throws in
            let requests = (0..<40).map { _ in JobRequest(kind: "queue.sleep", payload: PostgresJSONB(text: "{\"ms\": 400}")) }
            try await client.withConnection { try store.enqueue(requests, on: $0) }
            let options = ["--concurrency", "10", "--lease-seconds", "3", "--poll-ms", "100", "--keep-history"]
            let doomed = try CivicQProcess.launch(["worker"] + options + target)
            let running = "SELECT count(*) FROM \(store.schema).jobs WHERE state = 'running'"
            #expect(try await TestDatabase.eventually { try await client.withConnection { try $0.query(PostgresQuery(unsafeSQL: running)).scalar(Int.self) } == 10 })
            kill(doomed.processIdentifier, SIGKILL)
            #expect(try await waitForExit(doomed, within: .seconds(5)))
            let survivor = try CivicQProcess.launch(["worker"] + options + target)
            defer { if survivor.isRunning { survivor.terminate() } }
            let left = "SELECT count(*) FROM \(store.schema).jobs"
            #expect(try await TestDatabase.eventually(within: .seconds(30)) {
                try await client.withConnection { try $0.query(PostgresQuery(unsafeSQL: left)).scalar(Int.self) } == 0
            })
            let (done, rescued) = try await client.withConnection { connection in
                try connection.query("SELECT count(*), count(*) FILTER (WHERE attempt = 2) FROM \(unsafe: store.schema).job_history")[0]
                    .decode((Int, Int).self)
            }
            #expect(done == 40)
            #expect(rescued >= 10)
            survivor.terminate()
            #expect(try await waitForExit(survivor, within: .seconds(15)))
            #expect(survivor.terminationStatus == 0)
        }
    }
}
