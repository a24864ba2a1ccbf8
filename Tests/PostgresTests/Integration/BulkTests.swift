import Foundation
import Postgres
import TestSupport
import Testing

@Suite("Pipeline and COPY (PostgreSQL)")
struct BulkTests {
    private static let table = "CREATE TABLE items (id int8 PRIMARY KEY, title text, n int CHECK (n >= 0))"

    @Test("a prepared pipeline inserts 10,000 rows")
    func pipelineInsert() async throws {
        try await TestDatabase.withSchema { client, _ async throws in
            let count = try await client.withConnection { connection in
                try connection.executeScript(Self.table)
                let bindings = (0..<10_000).map { index -> PostgresBindings in
                    var bindings = PostgresBindings()
                    bindings.append(index)
                    bindings.append("第\(index)件")
                    bindings.append(Int32(index % 100))
                    return bindings
                }
                let results = try connection.pipeline("INSERT INTO items VALUES ($1, $2, $3)", bindings: bindings)
                #expect(results.count == 10_000)
                #expect(results.allSatisfy { $0.affectedRows == 1 })
                return try connection.query("SELECT count(*) FROM items").scalar(Int.self)
            }
            #expect(count == 10_000)
        }
    }

    @Test("a pipeline of different statements returns each one's rows")
    func pipelineQueries() async throws {
        try await TestDatabase.withSchema { client, _ async throws in
            let results = try await client.withConnection { connection in
                try connection.pipeline(["SELECT \(1) + \(2)", "SELECT upper(\("abc"))", "SELECT generate_series(1, 3)"])
            }
            #expect(try results[0].scalar(Int.self) == 3)
            #expect(try results[1].scalar(String.self) == "ABC")
            #expect(results[2].count == 3)
        }
    }

    @Test("a bad row in a pipeline rolls back the whole batch and the error names its index")
    func pipelineBadRow() async throws {
        try await TestDatabase.withSchema { client, _ async throws in
            let (error, count) = try await client.withConnection { connection in
                try connection.executeScript(Self.table)
                let bindings = (0..<10_000).map { index -> PostgresBindings in
                    var bindings = PostgresBindings()
                    bindings.append(index)
                    bindings.append("row")
                    bindings.append(Int32(index == 6_543 ? -1 : 1))
                    return bindings
                }
                var caught: PostgresError?
                do { _ = try connection.pipeline("INSERT INTO items VALUES ($1, $2, $3)", bindings: bindings) } catch let error as PostgresError { caught = error }
                return (caught, try connection.query("SELECT count(*) FROM items").scalar(Int.self))
            }
            #expect(error?.sqlState == .checkViolation)
            #expect(error?.batchIndex == 6_543)
            #expect(count == 0)
        }
    }

    @Test("a cancelled pipeline throws CancellationError and leaves the connection usable")
    func pipelineCancelled() async throws {
        try await TestDatabase.withSchema(size: 1) { client, _ async throws in
            let task = Task {
                try await client.withConnection { try $0.pipeline(["SELECT 1", "SELECT pg_sleep(10)", "SELECT 2"]) }
            }
            #expect(try await TestDatabase.waitUntilActive("SELECT pg_sleep(10)"))
            task.cancel()
            let clock = ContinuousClock()
            let start = clock.now
            await #expect(throws: CancellationError.self) { try await task.value }
            #expect(clock.now - start < .seconds(2))
            #expect(try await client.withConnection { try $0.query("SELECT 3").scalar(Int.self) } == 3)
        }
    }

    @Test("COPY stores 10,000 rows, escaping tabs, newlines, backslashes, NULLs and Chinese text")
    func copyRows() async throws {
        try await TestDatabase.withSchema { client, _ async throws in
            let awkward = "tab\there\nnew line \\ backslash \\N not null 井盖"
            let (stored, count, back, null) = try await client.withConnection { connection in
                try connection.executeScript(Self.table)
                let stored = try connection.copyFrom("COPY items (id, title, n) FROM STDIN") { writer in
                    for index in 0..<10_000 {
                        let title: String? = index == 2 ? nil : (index == 1 ? awkward : "item \(index)")
                        try writer.writeRow(index, title, Int32(index % 7))
                    }
                    #expect(writer.rowCount == 10_000)
                }
                return (
                    stored,
                    try connection.query("SELECT count(*) FROM items").scalar(Int.self),
                    try connection.query("SELECT title FROM items WHERE id = 1").scalar(String.self),
                    try connection.query("SELECT title IS NULL FROM items WHERE id = 2").scalar(Bool.self)
                )
            }
            #expect(stored == 10_000)
            #expect(count == 10_000)
            #expect(back == awkward)
            #expect(null == true)
        }
    }

    @Test("a bad row in COPY stores nothing and the error names the row's index")
    func copyBadRow() async throws {
        try await TestDatabase.withSchema { client, _ async throws in
            let (error, count) = try await client.withConnection { connection in
                try connection.executeScript(Self.table)
                var caught: PostgresError?
                do {
                    try connection.copyFrom("COPY items (id, title, n) FROM STDIN") { writer in
                        for index in 0..<10_000 { try writer.writeRow(index, "row", Int32(index == 7_777 ? -5 : 5)) }
                    }
                } catch let error as PostgresError { caught = error }
                return (caught, try connection.query("SELECT count(*) FROM items").scalar(Int.self))
            }
            #expect(error?.sqlState == .checkViolation)
            #expect(error?.batchIndex == 7_777)
            #expect(count == 0)
        }
    }

    @Test("an error thrown while writing aborts the COPY; the connection stays usable")
    func copyAbortedByClient() async throws {
        struct Stop: Error {}
        try await TestDatabase.withSchema(size: 1) { client, _ async throws in
            try await client.withConnection { try $0.executeScript(Self.table) }
            await #expect(throws: Stop.self) {
                try await client.withConnection { connection in
                    try connection.copyFrom("COPY items (id, title, n) FROM STDIN") { writer in
                        for index in 0..<5_000 { try writer.writeRow(index, "x", Int32(1)) }
                        throw Stop()
                    }
                }
            }
            #expect(try await client.withConnection { try $0.query("SELECT count(*) FROM items").scalar(Int.self) } == 0)
        }
    }
}
