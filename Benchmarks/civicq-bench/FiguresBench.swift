import Casework
import Logging
import Foundation
import Postgres

/// `civicq-bench figures --schema S`: reads over a generated history (scripts/bench figures
/// makes it): a month's department table, a 旬's and a quarter's, the month by street area,
/// and one department's inbox read as its own handler (row-level security on). Each is timed
/// over repeated runs in-process, so process start and connecting are not counted.
struct FiguresBench {
    let options: BenchOptions

    func run() async throws {
        guard let schema = options.schema else { throw BenchError("figures needs --schema (scripts/bench figures passes it)") }
        let environment = try PostgresConfiguration.fromEnvironment(options: CaseworkStore.sessionOptions(schema: schema))
        var logger = Logger(label: "civicq-bench")
        logger.logLevel = .warning
        let client = PostgresClient(configuration: .init(connection: environment, size: 1), logger: logger)
        let store = CaseworkStore(schema: schema)
        let repeats = max(options.repeats, 5)

        let (today, cases, busiest, open) = try await client.withConnection { connection in
            let today = try store.today(on: connection)
            let cases = try connection.query("SELECT count(*) FROM cases").scalar(Int.self) ?? 0
            let busiest = try connection.query(
                """
                SELECT department_code, count(*) FROM case_tasks WHERE state IN ('pending', 'accepted')
                GROUP BY 1 ORDER BY 2 DESC LIMIT 1
                """)
            return (today, cases, try busiest.first?.decode(String.self, at: 0), try busiest.first?.decode(Int.self, at: 1) ?? 0)
        }
        let lastMonth = FigurePeriod.month(of: FigurePeriod.month(of: today).first.adding(days: -1))
        let dekad = try FigurePeriod(parsing: lastMonth.description + "-2")
        let (year, month, _) = lastMonth.first.components
        let quarter = try FigurePeriod(parsing: "\(year)-Q\((month - 1) / 3 + 1)")

        var results: [(String, [Double], Int)] = []
        for (name, query) in [
            ("month, by department", FigureQuery(period: lastMonth, dimension: .department)),
            ("旬, by department", FigureQuery(period: dekad, dimension: .department)),
            ("quarter, by department", FigureQuery(period: quarter, dimension: .department)),
            ("month, by street area", FigureQuery(period: lastMonth, dimension: .area, level: "street")),
        ] {
            var rows = 0
            let times = try await time(repeats) {
                rows = try await client.withConnection { try store.figureRows(query, on: $0).count }
            }
            results.append((name, times, rows))
        }

        // The history's reads by case (case_events, partitioned by month since migration 026):
        // one case's events, for 200 cases spread over the whole history; and the rollup's read
        // of its batch (2,000 cases) for the cases received last.
        let (spread, recent) = try await client.withConnection { connection in
            let step = max(cases / 200, 1)
            let spread = try connection.query("SELECT id FROM cases WHERE id % \(step) = 0 ORDER BY id LIMIT 200").map { try $0.decode(Int64.self, at: 0) }
            let recent = try connection.query("SELECT id FROM cases ORDER BY received_at DESC LIMIT 2000").map { try $0.decode(Int64.self, at: 0) }
            return (spread, recent)
        }
        if !spread.isEmpty {
            var next = 0
            var rows = 0
            let times = try await time(spread.count) {
                let id = spread[next % spread.count]
                next += 1
                rows = try await client.withConnection { try store.history(id, on: $0).count }
            }
            results.append(("a case's history (200 cases over the years)", times, rows))
            let batch = try await time(repeats) {
                rows = try await client.withConnection { connection in
                    try connection.transaction(readOnly: true) { try store.histories(ids: recent, on: $0).count }  // as the rollup reads
                }
            }
            results.append(("rollup read: 2,000 recent cases' events", batch, rows))
        }
        await client.close()

        if let busiest {
            let login = "bench_inbox_\(UUID().uuidString.prefix(6).lowercased())"
            let admin = PostgresClient(configuration: .init(connection: environment, size: 1), logger: logger)
            try await admin.withConnection { try store.addUser(login: login, department: busiest, role: .handler, on: $0) }
            let own = PostgresClient(configuration: .init(connection: try Self.configuration(environment: environment, user: login, schema: schema), size: 1), logger: logger)
            var filter = CaseFilter()
            filter.department = busiest
            var rows = 0
            let times = try await time(repeats * 4) {
                rows = try await own.withConnection { [filter] in try store.list(filter, on: $0).count }
            }
            results.append(("inbox of \(busiest) (\(open) open), as its handler", times, rows))
            await own.close()
            try await admin.withConnection { connection in
                try connection.execute("DELETE FROM handlers WHERE login = \(login)")
                try connection.execute("DROP ROLE IF EXISTS \(identifier: login)")
            }
            await admin.close()
        }

        print("figures: reads over \(cases) cases (schema \(schema)), \(repeats)+ runs each, milliseconds")
        print("  \("read".padding(toLength: 52, withPad: " ", startingAt: 0))  median     p95     max   rows")
        var json: [String: Any] = ["cases": cases]
        for (name, times, rows) in results {
            let sorted = times.sorted()
            let median = sorted[sorted.count / 2], p95 = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.95))], max = sorted.last!
            print("  \(name.padding(toLength: 52, withPad: " ", startingAt: 0))" + String(format: "%7.1f %7.1f %7.1f %6d", median, p95, max, rows))
            json[Self.key(name)] = ["median_ms": median, "p95_ms": p95, "max_ms": max, "rows": rows]
        }
        if options.json {
            let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }

    private func time(_ count: Int, _ body: () async throws -> Void) async throws -> [Double] {
        try await body()  // warm: plans and pages
        var times: [Double] = []
        for _ in 0..<count {
            let started = ContinuousClock.now
            try await body()
            times.append((ContinuousClock.now - started) / .milliseconds(1))
        }
        return times
    }

    private static func key(_ name: String) -> String {
        if name.hasPrefix("inbox") { return "inbox" }
        if name.hasPrefix("a case's history") { return "case_history" }
        if name.hasPrefix("rollup read") { return "rollup_read" }
        return name.replacingOccurrences(of: "旬", with: "dekad").replacingOccurrences(of: ", by ", with: "_by_")
            .replacingOccurrences(of: " ", with: "_")
    }

    static func configuration(environment: PostgresConfiguration, user: String, schema: String) throws -> PostgresConfiguration {
        let url = ProcessInfo.processInfo.environment["DATABASE_URL"] ?? ""
        var conninfo = url + (url.isEmpty ? "user=\(user)" : " user=\(user)")
        if url.contains("://"), var components = URLComponents(string: url) {
            components.user = user
            components.password = nil
            conninfo = components.string ?? conninfo
        }
        return try PostgresConfiguration(conninfo: conninfo, options: CaseworkStore.sessionOptions(schema: schema))
    }
}
