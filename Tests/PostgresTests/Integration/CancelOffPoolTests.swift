import Foundation
import Postgres
import Synchronization
import TestSupport
import Testing

/// `PQcancel` opens a connection to the server and waits: a cancellation handler must hand it
/// to another thread rather than block the cooperative pool thread it runs on.
@Suite("Cancellation off the cooperative pool (PostgreSQL)")
struct CancelOffPoolTests {
    @Test("100 queries cancelled from pool tasks, each cancel request slowed to 50 ms, leave another task's latency low")
    func cancelsDoNotBlockThePool() async throws {
        let admin = PostgresClient(configuration: .init(connection: try TestDatabase.configuration(), size: 1), logger: TestDatabase.logger)
        defer { Task { await admin.close() } }
        guard let port = try await admin.withConnection({ try $0.query("SELECT inet_server_port()").scalar(Int.self) }) else {
            throw TestSetupError(message: "the test server is not reached over TCP")
        }
        let proxy = try DelayingProxy(upstreamPort: UInt16(port))
        defer { proxy.stop() }
        let client = PostgresClient(
            configuration: .init(connection: try TestDatabase.configuration(host: "127.0.0.1", port: proxy.port), size: 10),
            logger: TestDatabase.logger)
        defer { Task { await client.close() } }
        // Open the ten connections first; from then on every new connection through the proxy,
        // which is what each cancel request is, waits 50 ms.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<10 { group.addTask { try await client.withConnection { _ = try $0.query("SELECT pg_sleep(0.05)") } } }
            try await group.waitForAll()
        }
        proxy.delayNewConnections(by: .milliseconds(50))

        let clock = ContinuousClock()
        // How late a 5 ms sleep on the cooperative pool wakes, at worst, while the cancels run.
        let ticker = Task { () -> Duration in
            var worst: Duration = .zero
            while !Task.isCancelled {
                let asked = clock.now
                do { try await Task.sleep(for: .milliseconds(5)) } catch { break }
                worst = max(worst, clock.now - asked - .milliseconds(5))
            }
            return worst
        }
        let sleeping = "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND state = 'active'"
        var cancelled = 0
        let started = clock.now
        for _ in 0..<10 {
            let queries = (0..<10).map { _ in Task { try await client.withConnection { try $0.query("SELECT pg_sleep(30)") } } }
            #expect(try await TestDatabase.eventually {
                try await admin.withConnection { try $0.query(PostgresQuery(unsafeSQL: sleeping)).scalar(Int.self) } == 10
            })
            // Each cancellation from a task of its own on the pool, all at once.
            await withTaskGroup(of: Void.self) { group in
                for query in queries { group.addTask { query.cancel() } }
            }
            for query in queries {
                if case .failure(let error) = await query.result, error is CancellationError { cancelled += 1 }
            }
        }
        let elapsed = clock.now - started
        ticker.cancel()
        let worst = await ticker.value
        #expect(cancelled == 100)
        // Blocking, the 100 requests of 50 ms would hold the two pool threads for 2.5 s in all.
        #expect(worst < .milliseconds(100), "a 5 ms sleep woke up to \(worst) late")
        #expect(try await admin.withConnection { try $0.query(PostgresQuery(unsafeSQL: sleeping)).scalar(Int.self) } == 0)
        print("cancelled \(cancelled) queries in \(elapsed); worst lateness of an unrelated task \(worst)")
    }
}
