import Foundation
import Postgres
import TestSupport
import Testing

/// Statements are prepared by name per connection on first use and executed by name after
/// that, in pipelines too; the cache is bounded, starts empty on a new connection, survives a
/// stale plan and a `DEALLOCATE ALL`, and one-off statements stay out of it. What the server
/// holds is read from `pg_prepared_statements` in the same session.
@Suite("Prepared statements (PostgreSQL)")
struct PreparedStatementTests {
    /// The statements this session holds, by name.
    static func held(_ connection: PostgresConnection) throws -> [String: String] {
        var held: [String: String] = [:]
        for row in try connection.query(PostgresQuery(unsafeSQL: "SELECT name, statement FROM pg_prepared_statements").oneOff) {
            let (name, statement) = try row.decode((String, String).self)
            held[name] = statement
        }
        return held
    }

    /// A pool of one connection in a fresh schema, keeping at most `cache` statements.
    static func withConnection<R: Sendable>(
        cache: Int = 256, _ body: @escaping @Sendable (PostgresConnection) throws -> R
    ) async throws -> R {
        try await TestDatabase.withSchema { _, schema in
            var configuration = try TestDatabase.configuration(schema: schema)
            configuration.options.statementCacheSize = cache
            let client = PostgresClient(configuration: .init(connection: configuration, size: 1), logger: TestDatabase.logger)
            do {
                let value = try await client.withConnection(body)
                await client.close()
                return value
            } catch {
                await client.close()
                throw error
            }
        }
    }

    @Test func aStatementIsPreparedOnceAndRunByName() async throws {
        let (first, second, held) = try await Self.withConnection { connection in
            let first = try connection.query("SELECT \(2) + \(3)").scalar(Int.self)
            let second = try connection.query("SELECT \(40) + \(2)").scalar(Int.self)
            return (first, second, try Self.held(connection))
        }
        #expect(first == 5 && second == 42)
        // One statement on the server for the two calls: same text and parameter types.
        #expect(held.values.filter { $0 == "SELECT $1 + $2" }.count == 1, "\(held)")
    }

    @Test func aStatementWithAnArrayIsPlannedForItsValuesEachTime() async throws {
        // A generic plan guesses an array's size: a statement with an array parameter is sent
        // unnamed, also in a pipeline, and PL/pgSQL keeps the server's own plan caching.
        let (held, mode) = try await Self.withConnection { connection in
            try connection.executeScript("CREATE TABLE jobs (id int8 PRIMARY KEY, attempt int NOT NULL DEFAULT 0)")
            for round in 0..<8 {
                let ids = (round * 100..<(round + 1) * 100).map(Int64.init)
                try connection.execute("DELETE FROM jobs AS j USING unnest(\(ids), \(ids.map { _ in 0 })) AS d(id, attempt) WHERE j.id = d.id")
                _ = try connection.pipeline(["SELECT count(*) FROM jobs WHERE id = ANY(\(ids))", "SELECT \(round)"])
            }
            return (try Self.held(connection), try connection.query("SHOW plan_cache_mode").scalar(String.self))
        }
        #expect(held.values.sorted() == ["SELECT $1"], "\(held)")
        #expect(mode == "auto")
    }

    @Test func utilityAndOneOffStatementsAreNotPrepared() async throws {
        let held = try await Self.withConnection { connection in
            try connection.execute("SET application_name TO 'prepared-test'")
            _ = try connection.query(PostgresQuery(unsafeSQL: "SELECT 'once'").oneOff)
            return try Self.held(connection)
        }
        #expect(held.isEmpty, "\(held)")
    }

    @Test func theCacheIsBoundedTheLeastRecentlyUsedGoesFirst() async throws {
        let held = try await Self.withConnection(cache: 3) { connection in
            for n in 1...3 { _ = try connection.query(PostgresQuery(unsafeSQL: "SELECT \(n) AS n")) }
            _ = try connection.query(PostgresQuery(unsafeSQL: "SELECT 1 AS n"))  // used again: the newest
            for n in 4...5 { _ = try connection.query(PostgresQuery(unsafeSQL: "SELECT \(n) AS n")) }
            return try Self.held(connection)
        }
        #expect(Set(held.values) == ["SELECT 1 AS n", "SELECT 4 AS n", "SELECT 5 AS n"], "\(held)")
    }

    @Test func withNoCacheEveryStatementIsUnnamed() async throws {
        let held = try await Self.withConnection(cache: 0) { connection in
            _ = try connection.query("SELECT \(1)")
            _ = try connection.pipeline(["SELECT \(2)", "SELECT \(3)"])
            _ = try connection.pipeline("SELECT $1::int", bindings: [PostgresBindings([4.postgresBind])])
            return try Self.held(connection)
        }
        #expect(held.isEmpty, "\(held)")
    }

    @Test func aStalePlanIsPreparedAgainOnce() async throws {
        let columns = try await Self.withConnection { connection in
            try connection.executeScript("CREATE TABLE t (a int); INSERT INTO t VALUES (1)")
            let before = try connection.query("SELECT * FROM t").columns.count
            // The table changes under the prepared statement: its result type is stale.
            try connection.executeScript("ALTER TABLE t ADD COLUMN b int")
            let after = try connection.query("SELECT * FROM t").columns.count
            // Inside a transaction the stale plan fails the statement (nothing can be retried
            // in an aborted transaction); the next use outside prepares afresh.
            try connection.executeScript("ALTER TABLE t ADD COLUMN c int")
            let inside: Int? = try? connection.transaction { try $0.query("SELECT * FROM t").columns.count }
            let again = try connection.query("SELECT * FROM t").columns.count
            return (before, after, inside, again)
        }
        #expect(columns.0 == 1 && columns.1 == 2 && columns.2 == nil && columns.3 == 3, "\(columns)")
    }

    @Test func afterDeallocateAllTheStatementsArePreparedAgain() async throws {
        let (value, held) = try await Self.withConnection { connection in
            _ = try connection.query("SELECT \(1) + \(1)")
            try connection.executeScript("DEALLOCATE ALL")
            let value = try connection.query("SELECT \(1) + \(1)").scalar(Int.self)
            return (value, try Self.held(connection))
        }
        #expect(value == 2 && held.values.filter { $0 == "SELECT $1 + $2" }.count == 1, "\(held)")
    }

    @Test func pipelinesPrepareTheirStatementsByNameAndReuseThem() async throws {
        let (results, held, failed, after) = try await Self.withConnection { connection in
            let queries: [PostgresQuery] = ["SELECT \(1) + \(2)", "SELECT upper(\("abc"))", "SELECT \(5) + \(6)"]
            let first = try connection.pipeline(queries)
            let second = try connection.pipeline(queries)
            let results = try (first + second).map { try $0.scalar(String.self) ?? "" }
            let held = try Self.held(connection)
            // A statement that does not parse fails its pipeline and is not kept.
            let failed: Int?
            do {
                _ = try connection.pipeline(["SELECT \(7)", PostgresQuery(unsafeSQL: "SELEC 1"), "SELECT \(8) * \(9)"])
                failed = nil
            } catch let error as PostgresError {
                failed = error.batchIndex
            }
            return (results, held, failed, try Self.held(connection))
        }
        #expect(results == ["3", "ABC", "11", "3", "ABC", "11"])
        // Two statements (the first and the third share text and types), each prepared once.
        #expect(held.count == 2 && Set(held.values) == ["SELECT $1 + $2", "SELECT upper($1)"], "\(held)")
        #expect(failed == 1)
        // "SELECT $1" before the failure was prepared; nothing of the failing one or after it.
        #expect(!after.values.contains("SELEC 1") && !after.values.contains("SELECT $1 * $2"), "\(after)")
    }

    @Test func aBatchPipelineKeepsItsStatementForTheNextCall() async throws {
        let held = try await Self.withConnection { connection in
            try connection.executeScript("CREATE TABLE items (id int8 PRIMARY KEY)")
            for start in [0, 100] {
                let bindings = (start..<start + 100).map { PostgresBindings([Int64($0).postgresBind]) }
                _ = try connection.pipeline("INSERT INTO items VALUES ($1)", bindings: bindings)
            }
            return try Self.held(connection)
        }
        #expect(held.values.filter { $0 == "INSERT INTO items VALUES ($1)" }.count == 1, "\(held)")
    }

    @Test func aNewConnectionStartsWithNoStatementsAndPreparesThemAgain() async throws {
        try await TestDatabase.withSchema(size: 1) { client, _ in
            let before = try await client.withConnection { connection in
                _ = try connection.query("SELECT \(1) + \(2)")
                return connection.backendPID
            }
            try await TestDatabase.terminate(backend: before)
            #expect(try await TestDatabase.waitUntilGone(backend: before))
            let (pid, value, held) = try await client.withConnection { connection in
                (connection.backendPID, try connection.query("SELECT \(1) + \(2)").scalar(Int.self), try Self.held(connection))
            }
            #expect(pid != before && value == 3)
            #expect(held.values.filter { $0 == "SELECT $1 + $2" }.count == 1, "\(held)")
        }
    }
}
