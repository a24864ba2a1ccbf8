import Foundation
import JobQueue
import Postgres
import TestSupport
import Testing

@Suite("Worker presence (PostgreSQL)")
struct WorkerPresenceTests {
    @Test("a running worker is listed with its queues and the jobs it runs; a clean stop removes it; a silent one stops counting")
    func presence() async throws {
        try await QueueTests.withQueue { client, store, _ async throws in
            let handler = RecordingHandler(kind: "slow", schema: store.schema, client: client, sleep: .seconds(3))
            try await client.withConnection { try store.enqueue((0..<3).map { _ in JobRequest(kind: "slow") }, on: $0) }
            let worker = QueueTests.worker(client, store, handlers: [handler], concurrency: 4, queues: ["default", "other"])
            try await QueueTests.running(worker) { () async throws in
                #expect(try await TestDatabase.eventually {
                    try await client.withConnection { try store.runningJobs(on: $0) }.first?.count == 3
                })
                // The presence loop announces the worker beside its first claims, not before them.
                #expect(try await TestDatabase.eventually {
                    try await client.withConnection { try store.liveWorkers(on: $0) }.count == 1
                })
                let running = try await client.withConnection { try store.runningJobs(on: $0) }
                let workers = try await client.withConnection { try store.liveWorkers(on: $0) }
                #expect(workers.count == 1)
                #expect(workers.first?.queues == ["default", "other"])
                #expect(workers.first?.concurrency == 4)
                #expect(workers.first?.pid == Int(ProcessInfo.processInfo.processIdentifier))
                #expect(running.map(\.kind) == ["slow"])
                #expect(running.first?.worker == workers.first?.id, "the jobs are held by the listed worker")
            }
            #expect(try await client.withConnection { try store.liveWorkers(on: $0) }.isEmpty, "a clean stop removes its row")

            // A worker that died (its row not refreshed for longer than the limit) is not alive.
            try await client.withConnection { connection in
                try connection.execute(
                    """
                    INSERT INTO \(identifier: store.schema).workers (id, host, pid, queues, concurrency, seen_at)
                    VALUES ('gone', 'h', 1, '{default}', 1, now() - interval '31 seconds'),
                           ('fresh', 'h', 2, '{default}', 1, now())
                    """)
            }
            #expect(try await client.withConnection { try store.liveWorkers(on: $0) }.map(\.id) == ["fresh"])
        }
    }
}
