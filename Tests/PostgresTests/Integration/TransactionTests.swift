import Foundation
import Postgres
import TestSupport
import Testing

@Suite("Transactions (PostgreSQL)")
struct TransactionTests {
    struct Boom: Error {}

    @Test("commit keeps the work; a throw rolls it back and the error comes through")
    func commitAndRollback() async throws {
        try await TestDatabase.withSchema { client, _ async throws in
            try await client.withConnection { try $0.executeScript("CREATE TABLE ledger (n int)") }
            try await client.withTransaction { try $0.execute("INSERT INTO ledger VALUES (1)") }
            await #expect(throws: Boom.self) {
                try await client.withTransaction { connection in
                    try connection.execute("INSERT INTO ledger VALUES (2)")
                    throw Boom()
                }
            }
            let values = try await client.withConnection { try $0.query("SELECT n FROM ledger ORDER BY n").map { try $0.decode(Int.self, at: 0) } }
            #expect(values == [1])
        }
    }

    @Test("a savepoint rolls back its part only; nesting a transaction is refused")
    func savepoints() async throws {
        try await TestDatabase.withSchema { client, _ async throws in
            let values = try await client.withTransaction { connection in
                try connection.executeScript("CREATE TABLE ledger (n int)")
                try connection.execute("INSERT INTO ledger VALUES (1)")
                #expect(throws: Boom.self) {
                    try connection.savepoint { connection in
                        try connection.execute("INSERT INTO ledger VALUES (2)")
                        throw Boom()
                    }
                }
                try connection.savepoint { try $0.execute("INSERT INTO ledger VALUES (3)") }
                #expect(throws: PostgresError.self) { try connection.transaction { _ in } }
                return try connection.query("SELECT n FROM ledger ORDER BY n").map { try $0.decode(Int.self, at: 0) }
            }
            #expect(values == [1, 3])
        }
    }

    @Test("isolation levels are applied; read-only transactions refuse writes")
    func isolation() async throws {
        try await TestDatabase.withSchema { client, _ async throws in
            let level = try await client.withTransaction(isolation: .serializable) {
                try $0.query("SELECT current_setting('transaction_isolation')").scalar(String.self)
            }
            #expect(level == "serializable")
            let error = await #expect(throws: PostgresError.self) {
                try await client.withTransaction(readOnly: true) { try $0.executeScript("CREATE TABLE nope (n int)") }
            }
            #expect(error?.sqlState?.rawValue == "25006")
        }
    }

    @Test("a unit of work that leaves a transaction open is rolled back before the next one")
    func leftOpen() async throws {
        try await TestDatabase.withSchema(size: 1) { client, _ async throws in
            try await client.withConnection { connection in
                try connection.executeScript("CREATE TABLE ledger (n int)")
                try connection.executeScript("BEGIN; INSERT INTO ledger VALUES (9)")
            }
            let (status, count) = try await client.withConnection { connection in
                (connection.transactionStatus, try connection.query("SELECT count(*) FROM ledger").scalar(Int.self))
            }
            #expect(status == .idle)
            #expect(count == 0)
        }
    }

    @Test("an advisory lock held by one session is skipped by another's try, and free again afterwards")
    func advisoryLocks() async throws {
        try await TestDatabase.withSchema(size: 2) { client, schema async throws in
            let key = "test-lock:" + schema
            // The holder keeps the lock until released (on its session's own thread).
            let release = DispatchSemaphore(value: 0)
            defer { release.signal() }
            let holder = Task {
                try await client.withConnection { connection in
                    try connection.withAdvisoryLock(key) { release.wait() }
                }
            }
            // This key's lock only (a bigint key is split into classid, high, and objid, low).
            let held = """
                SELECT count(*) FROM pg_locks
                WHERE locktype = 'advisory' AND granted AND objsubid = 1
                  AND ((classid::bigint << 32) | objid::bigint) = hashtextextended('\(key)', 0)
                """
            #expect(try await TestDatabase.eventually {
                try await client.withConnection { try $0.query(PostgresQuery(unsafeSQL: held)).scalar(Int.self) } == 1
            })
            let whileHeld = try await client.withConnection { connection in try connection.withAdvisoryLockIfFree(key) { "ran" } }
            #expect(whileHeld == nil)
            release.signal()
            try await holder.value
            let afterwards = try await client.withConnection { connection in try connection.withAdvisoryLockIfFree(key) { "ran" } }
            #expect(afterwards == "ran")
            #expect(try await client.withConnection { try $0.query(PostgresQuery(unsafeSQL: held)).scalar(Int.self) } == 0)
        }
    }

    @Test("many tasks run transactions concurrently through a small pool without losing an update")
    func concurrentTransactions() async throws {
        try await TestDatabase.withSchema(size: 4) { client, _ async throws in
            try await client.withConnection { try $0.executeScript("CREATE TABLE counter (n int); INSERT INTO counter VALUES (0); CREATE TABLE seen (task int)") }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<40 {
                    group.addTask {
                        try await client.withTransaction { connection in
                            try connection.execute("UPDATE counter SET n = n + 1")
                            try connection.execute("INSERT INTO seen VALUES (\(task))")
                        }
                    }
                }
                try await group.waitForAll()
            }
            let (n, distinct) = try await client.withConnection { connection in
                (try connection.query("SELECT n FROM counter").scalar(Int.self), try connection.query("SELECT count(DISTINCT task) FROM seen").scalar(Int.self))
            }
            #expect(n == 40)
            #expect(distinct == 40)
            #expect(client.leasedCount == 0)
        }
    }
}
