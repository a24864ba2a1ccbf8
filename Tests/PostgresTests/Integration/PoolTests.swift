import Foundation
import Postgres
import TestSupport
import Synchronization
import Testing

@Suite("Pool, cancellation and the cooperative pool (PostgreSQL)")
struct PoolTests {
    @Test("cancelling a task stops pg_sleep(10) within a second and the connection stays usable")
    func cancellation() async throws {
        try await TestDatabase.withSchema(size: 1) { client, _ async throws in
            let pid = try await client.withConnection { $0.backendPID }
            let clock = ContinuousClock()
            let started = clock.now
            let sleeper = Task { try await client.withConnection { try $0.query("SELECT pg_sleep(10)") } }
            #expect(try await TestDatabase.waitUntilActive("SELECT pg_sleep(10)"))
            sleeper.cancel()
            let outcome = await sleeper.result
            let elapsed = clock.now - started
            #expect(throws: CancellationError.self) { try outcome.get() }
            #expect(elapsed < .seconds(1.2), "took \(elapsed)")
            let (again, one) = try await client.withConnection { connection in
                (connection.backendPID, try connection.query("SELECT 1").scalar(Int.self))
            }
            #expect(again == pid)
            #expect(one == 1)
        }
    }

    @Test("a cancelled transaction is rolled back")
    func cancelledTransaction() async throws {
        try await TestDatabase.withSchema(size: 1) { client, _ async throws in
            try await client.withConnection { try $0.executeScript("CREATE TABLE ledger (n int)") }
            let task = Task {
                try await client.withTransaction { connection in
                    try connection.execute("INSERT INTO ledger VALUES (1)")
                    // Long: under load the cancel may come late, and must still find it running.
                    try connection.query("SELECT pg_sleep(61)")
                }
            }
            #expect(try await TestDatabase.waitUntilActive("SELECT pg_sleep(61)"))
            task.cancel()
            _ = await task.result
            #expect(try await client.withConnection { try $0.query("SELECT count(*) FROM ledger").scalar(Int.self) } == 0)
        }
    }

    @Test("statements run on the session's own thread, never on the cooperative pool")
    func dedicatedThreads() async throws {
        try await TestDatabase.withSchema(size: 3) { client, _ async throws in
            let names = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await client.withConnection { connection in
                            _ = try connection.query("SELECT pg_sleep(0.05)")
                            // The kernel's name for this thread (Foundation's can lag behind on Linux).
                            let comm = try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)
                            return comm?.trimmingCharacters(in: .whitespacesAndNewlines) ?? Thread.current.name
                        }
                    }
                }
                return try await group.reduce(into: [String?]()) { $0.append($1) }
            }
            // The pool's threads are named after the pool: "postgres-0" ... "postgres-2".
            #expect(names.allSatisfy { $0?.hasPrefix("postgres-") == true }, "\(names)")
            #expect(Set(names).count <= 3)
        }
    }

    /// Timing-sensitive: scripts/test runs it alone, after the parallel run, so that other
    /// tests' work on the cooperative pool cannot delay the unrelated task.
    @Test("8 tasks in pg_sleep(0.5) do not stall an unrelated task")
    func cooperativePoolStaysFree() async throws {
        try await TestDatabase.withSchema(size: 8) { client, _ async throws in
            // Open all eight connections first, so the measurement is about sleeping, not connecting.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 { group.addTask { () async throws -> Void in try await client.withConnection { _ = try $0.query("SELECT pg_sleep(0.1)") } } }
                try await group.waitForAll()
            }
            let clock = ContinuousClock()
            let start = clock.now
            let finishes = Recorder<Duration>()
            let unrelated: Duration = try await withThrowingTaskGroup(of: Duration?.self) { group in
                for _ in 0..<8 {
                    group.addTask { () async throws -> Duration? in
                        try await client.withConnection { try $0.query("SELECT pg_sleep(0.5)") }
                        finishes.append(clock.now - start)
                        return nil
                    }
                }
                group.addTask { () async throws -> Duration? in
                    // Unrelated work: a few short sleeps and some arithmetic on the cooperative pool.
                    var sum = 0
                    for step in 0..<5 {
                        try await Task.sleep(for: .milliseconds(10))
                        sum &+= (0..<10_000).reduce(step, &+)
                    }
                    #expect(sum != 0)
                    return clock.now - start
                }
                var unrelated: Duration = .zero
                for try await value in group { if let value { unrelated = value } }
                return unrelated
            }
            let sleepers = finishes.values
            #expect(sleepers.count == 8)
            // The unrelated task ends long before the sleeping statements do.
            #expect(unrelated < sleepers.min()!, "unrelated \(unrelated), first sleeper \(sleepers.min()!)")
            // And the eight sleeps ran side by side, not two at a time.
            #expect(sleepers.max()! < .milliseconds(1500), "slowest sleeper \(sleepers.max()!)")
        }
    }

    @Test("when every connection is busy, callers wait their turn; a waiting task can be cancelled")
    func waitingAndCancellingWaiters() async throws {
        try await TestDatabase.withSchema(size: 1) { client, _ async throws in
            let order = Recorder<String>()
            // The holder keeps the only connection until released (not for a fixed time: on a
            // loaded machine the waiters may take seconds to queue up).
            let release = DispatchSemaphore(value: 0)
            defer { release.signal() }  // never leave the holder blocked, whatever fails
            let holder = Task {
                try await client.withConnection { _ in release.wait() }
                order.append("holder")
            }
            #expect(try await TestDatabase.eventually { client.leasedCount == 1 })
            let waiter = Task {
                try await client.withConnection { _ = try $0.query("SELECT 1") }
                order.append("waiter")
            }
            #expect(try await TestDatabase.eventually { client.waitingCount == 1 })
            let impatient = Task { try await client.withConnection { _ in "never" } }
            #expect(try await TestDatabase.eventually { client.waitingCount == 2 })
            impatient.cancel()
            await #expect(throws: CancellationError.self) { try await impatient.value }
            release.signal()
            try await holder.value
            try await waiter.value
            #expect(order.values == ["holder", "waiter"])
            #expect(client.leasedCount == 0)
        }
    }

    @Test("a closed pool refuses work and fails its waiters")
    func closedPool() async throws {
        let client = PostgresClient(configuration: .init(connection: try TestDatabase.configuration(), size: 1), logger: TestDatabase.logger)
        let holder = Task { try await client.withConnection { _ = try $0.query("SELECT pg_sleep(2)") } }
        #expect(try await TestDatabase.eventually { client.leasedCount == 1 })
        let waiter = Task { try await client.withConnection { _ in 1 } }
        #expect(try await TestDatabase.eventually { client.waitingCount == 1 })
        await client.close()
        let error = await #expect(throws: PostgresError.self) { try await waiter.value }
        #expect(error?.code == .poolClosed)
        _ = await holder.result
        let after = await #expect(throws: PostgresError.self) { try await client.withConnection { _ in 1 } }
        #expect(after?.code == .poolClosed)
    }
}
