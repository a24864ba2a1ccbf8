import Foundation
import Logging
import Postgres

/// The wrapper's speed: round trips and four ways of inserting rows.
struct PostgresBench {
    let options: BenchOptions

    func run() async throws {
        try await BenchDatabase.with(prefix: "bench", migrated: false) { database in
            var configuration = database.connection
            configuration.options.searchPath = [database.schema]
            let client = PostgresClient(configuration: .init(connection: configuration, size: 1), logger: database.logger)
            defer { Task { await client.close() } }
            try await client.withConnection { connection in
                try connection.executeScript("CREATE TABLE items (id int8 PRIMARY KEY, title text NOT NULL, n int4 NOT NULL)")
            }
            report(try await cases(client), settings: try await database.settings())
        }
    }

    private func cases(_ client: PostgresClient) async throws -> [BenchResult] {
        let rows = options.rows
        let repeats = options.repeats
        let roundTrips = max(rows * 2, 10_000)
        let truncate: () async throws -> Void = { try await client.withConnection { try $0.executeScript("TRUNCATE items") } }
        let titles = (0..<rows).map { "投诉 complaint #\($0)" }
        var results: [BenchResult] = []

        results.append(try await measure("SELECT 1, loop inside one closure", operations: roundTrips, repeats: repeats) {
            try await client.withConnection { connection in
                for _ in 0..<roundTrips { _ = try connection.query("SELECT 1") }
            }
        })
        let hops = roundTrips / 4
        results.append(try await measure("SELECT 1, one pool await per query", operations: hops, repeats: repeats) {
            for _ in 0..<hops { _ = try await client.withConnection { try $0.query("SELECT 1").count } }
        })
        results.append(try await measure("INSERT x\(rows), autocommit each", operations: rows, repeats: repeats, prepare: truncate) {
            try await client.withConnection { connection in
                for index in 0..<rows { try connection.execute("INSERT INTO items VALUES (\(index), \(titles[index]), \(Int32(index)))") }
            }
        })
        results.append(try await measure("INSERT x\(rows), one pipeline", operations: rows, repeats: repeats, prepare: truncate) {
            let bindings = (0..<rows).map { index -> PostgresBindings in
                var bindings = PostgresBindings()
                bindings.append(index)
                bindings.append(titles[index])
                bindings.append(Int32(index))
                return bindings
            }
            try await client.withConnection { _ = try $0.pipeline("INSERT INTO items VALUES ($1, $2, $3)", bindings: bindings) }
        })
        results.append(try await measure("INSERT ... SELECT unnest(arrays)", operations: rows, repeats: repeats, prepare: truncate) {
            let ids = Array(0..<rows)
            try await client.withConnection { connection in
                try connection.execute(
                    "INSERT INTO items SELECT * FROM unnest(\(ids)::int8[], \(titles)::text[], \(ids)::int8[]::int4[])")
            }
        })
        results.append(try await measure("COPY ... FROM STDIN", operations: rows, repeats: repeats, prepare: truncate) {
            try await client.withConnection { connection in
                _ = try connection.copyFrom("COPY items (id, title, n) FROM STDIN") { writer in
                    for index in 0..<rows { try writer.writeRow(index, titles[index], Int32(index)) }
                }
            }
        })
        return results
    }

    private func report(_ results: [BenchResult], settings: (String, String, String)) {
        printTable(
            title: "Postgres wrapper — PostgreSQL \(settings.0), fsync=\(settings.1), synchronous_commit=\(settings.2), "
                + "median of \(options.repeats) runs",
            results, unit: "ops")
        // The floor, measured by scripts/bench with pgbench (one client, extended protocol).
        let floor = ProcessInfo.processInfo.environment["CIVICQ_BENCH_PGBENCH_SELECT1_TPS"].flatMap(Double.init)
        if let floor {
            let ratio = results[0].rate / floor
            print(String(format: "  floor: pgbench SELECT 1, 1 client: %.0f/s; the wrapper reaches %.0f%% of it", floor, ratio * 100))
        }
        if options.json {
            let cases = results.map { ["name": $0.name, "operations": $0.operations, "ms": $0.seconds * 1000, "per_second": $0.rate] as [String: Any] }
            var object: [String: Any] = [
                "suite": "postgres", "server_version": settings.0, "fsync": settings.1,
                "synchronous_commit": settings.2, "repeats": options.repeats, "cases": cases,
            ]
            if let floor {
                object["floor_pgbench_select1_per_second"] = floor
                object["select1_fraction_of_floor"] = results[0].rate / floor
            }
            print(jsonLine(object))
        }
    }
}
