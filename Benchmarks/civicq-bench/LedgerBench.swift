import Casework
import Foundation
import Logging
import Postgres

/// `civicq-bench ledger`: the problem ledger's three measures.
///
/// 1. Duplicates, quality: every pair of reports civicq would compare in a generated set with
///    planted duplicates (``DuplicateCorpus``), scored; precision and recall at each threshold.
/// 2. Hot spots: detection within a day and false alarms on generated series (``HotspotSeries``).
/// 3. Duplicates, speed: `--rows` cases (default 1,000,000) received over the last 29 days, so
///    all in the 30-day window; 2,000 candidate lookups of random cases timed end to end
///    (the SQL and the scoring) as the service and as the dispatch desk (a login of its own,
///    through the definer function), p50/p95/p99; the floor is pgbench running the service's
///    SQL (`duplicate_candidates`) on the same random cases, from its per-transaction log.
struct LedgerBench {
    let options: BenchOptions

    func run() async throws {
        var json: [String: Any] = [:]
        quality(&json)
        hotspots(&json)
        try await lookups(&json)
        if options.json { print(jsonLine(json)) }
    }

    func quality(_ json: inout [String: Any]) {
        let corpus = DuplicateCorpus(problems: 6_000, streets: 20)
        let started = ContinuousClock.now
        let pairs = corpus.scoredPairs(scorer: DuplicateScorer())
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        let positives = pairs.filter(\.same).count
        print("duplicates: \(corpus.reports.count) reports of 6,000 problems in 20 streets; \(pairs.count) pairs compared "
              + "(same kind, same street), \(positives) of them duplicates; scored in \(String(format: "%.1f", seconds)) s")
        print("  threshold  precision  recall    flagged")
        var curve: [[String: Any]] = []
        for step in 12...24 {
            let threshold = Double(step) * 0.025
            let flagged = pairs.filter { $0.score >= threshold - 1e-9 }
            let right = flagged.filter(\.same).count
            let precision = flagged.isEmpty ? 1 : Double(right) / Double(flagged.count)
            let recall = Double(right) / Double(max(positives, 1))
            let mark = abs(threshold - DuplicateScorer().minScore) < 1e-9 ? "  <- duplicates.min_score" : ""
            print(String(format: "  %9.3f  %9.3f  %6.3f  %9d", threshold, precision, recall, flagged.count) + mark)
            curve.append(["threshold": threshold, "precision": precision, "recall": recall, "flagged": flagged.count])
        }
        json["duplicates_quality"] = ["reports": corpus.reports.count, "pairs": pairs.count, "duplicate_pairs": positives,
                                      "default_threshold": DuplicateScorer().minScore, "curve": curve]
    }

    func hotspots(_ json: inout [String: Any]) {
        let rule = HotspotRule()
        let outcome = HotspotSeries.evaluate(series: 3_000, rule: rule)
        let doubled = HotspotSeries.evaluate(series: 3_000, spikeFactor: 1, rule: rule)
        print("hot spots: \(outcome.series) series × 6 weeks (\(outcome.seriesWeeks) series-weeks), rates 0.2-40 a day; "
              + "rule: \(rule.baselineDays)-day baseline, at least \(rule.minCount), Poisson tail < \(rule.alpha)")
        print(String(format: "  spikes (day about tripled, +10 at least) found within a day: %d of %d (%.1f%%)",
                     outcome.found, outcome.spikes, outcome.detection * 100))
        print(String(format: "  false alarms: %d (%.2f per 100 series-weeks)", outcome.falseAlarms, outcome.falseAlarmsPer100SeriesWeeks))
        print(String(format: "  smaller spikes (day about doubled, +10 at least) found within a day: %d of %d (%.1f%%)",
                     doubled.found, doubled.spikes, doubled.detection * 100))
        json["hotspots"] = ["series": outcome.series, "series_weeks": outcome.seriesWeeks, "spikes": outcome.spikes, "found": outcome.found,
                            "detection": outcome.detection, "false_alarms": outcome.falseAlarms,
                            "false_alarms_per_100_series_weeks": outcome.falseAlarmsPer100SeriesWeeks,
                            "doubled_detection": doubled.detection]
    }

    func lookups(_ json: inout [String: Any]) async throws {
        let rows = options.rows == 10_000 ? 1_000_000 : options.rows
        try await BenchDatabase.with(prefix: "bench_ledger", migrated: true) { database in
            let schema = database.schema
            let environment = try PostgresConfiguration.fromEnvironment(options: CaseworkStore.sessionOptions(schema: schema))
            let client = PostgresClient(configuration: .init(connection: environment, size: 1), logger: database.logger)
            let store = CaseworkStore(schema: schema)
            let texts = DuplicateCorpus(problems: 700, streets: 20).reports.prefix(1_000).map(\.text)
            let loadStarted = ContinuousClock.now
            try await client.withConnection { connection in
                try Self.load(rows: rows, texts: Array(texts), on: connection)
            }
            let loadSeconds = (ContinuousClock.now - loadStarted) / .seconds(1)
            let (maxID, biggestPool) = try await client.withConnection { connection in
                (try connection.query("SELECT max(id) FROM cases").scalar(Int64.self) ?? 1,
                 try connection.query("SELECT max(n) FROM (SELECT count(*) AS n FROM cases GROUP BY category_code, left(area_code, 9)) AS p")
                    .scalar(Int.self) ?? 0)
            }
            print("duplicate lookups: \(rows) cases over the last 29 days (loaded in \(Int(loadSeconds)) s); the largest street × category "
                  + "pool holds \(biggestPool) cases; at most 200 newest candidates are scored")
            var random = SeededRandom(seed: 7)
            let ids = (0..<2_000).map { _ in Int64.random(in: 1...maxID, using: &random) }
            let scorer = try await client.withConnection { try store.duplicateSettings(on: $0).scorer }
            var candidates = 0
            var scoring: [Double] = []
            let service = try await Self.time(ids) { id in
                let (found, text) = try await client.withConnection { connection in
                    (try store.duplicateCandidates(of: id, on: connection), try store.duplicateText(of: id, on: connection))
                }
                let started = ContinuousClock.now
                _ = scorer.rank(text, found)
                scoring.append((ContinuousClock.now - started) / .milliseconds(1))
                candidates += found.count
            }
            scoring = Array(scoring.dropFirst(50))
            let login = "bench_desk_\(UUID().uuidString.prefix(6).lowercased())"
            try await client.withConnection { connection in
                try connection.execute("INSERT INTO departments (code, name, level, dispatch_desk) VALUES ('desk', '热线办', 'city', true)")
                try store.addUser(login: login, department: "desk", role: .dispatcher, on: connection)
            }
            let own = PostgresClient(
                configuration: .init(connection: try FiguresBench.configuration(environment: environment, user: login, schema: schema), size: 1),
                logger: database.logger)
            let desk = try await Self.time(ids) { id in
                _ = try await own.withConnection { try store.duplicates(of: id, on: $0) }
            }
            await own.close()
            try await client.withConnection { try $0.execute("DROP ROLE IF EXISTS \(identifier: login)") }
            await client.close()
            let floor = try Self.pgbenchFloor(schema: schema, ids: ids)
            print("  path                                           p50 ms   p95 ms   p99 ms   max ms")
            for (name, key, times) in [("service: duplicate_candidates + scoring", "service", service),
                                       ("  of which scoring (Swift)", "scoring", scoring),
                                       ("desk: case_duplicates + scoring (RLS login)", "desk", desk)]
                + (floor.map { [("floor: pgbench, duplicate_candidates alone", "floor", $0)] } ?? [])
            {
                let s = times.sorted()
                func at(_ q: Double) -> Double { s[min(s.count - 1, Int(Double(s.count) * q))] }
                print("  \(name.padding(toLength: 46, withPad: " ", startingAt: 0))" + String(format: "%7.2f  %7.2f  %7.2f  %7.2f", at(0.5), at(0.95), at(0.99), s.last!))
                json["lookup_" + key] = ["p50_ms": at(0.5), "p95_ms": at(0.95), "p99_ms": at(0.99), "max_ms": s.last!]
            }
            if floor == nil { print("  (no pgbench here: no floor)") }
            print(String(format: "  candidates per lookup: %.1f on average", Double(candidates) / Double(ids.count)))
            json["lookup_cases"] = rows
            json["lookup_biggest_pool"] = biggestPool
        }
    }

    /// Milliseconds of each call of `body` on `ids`, after the first 50 ids are run once,
    /// untimed, to warm the plans and the pages.
    static func time(_ ids: [Int64], _ body: (Int64) async throws -> Void) async throws -> [Double] {
        var times: [Double] = []
        for id in ids.prefix(50) { try await body(id) }
        for id in ids {
            let started = ContinuousClock.now
            try await body(id)
            times.append((ContinuousClock.now - started) / .milliseconds(1))
        }
        return times
    }

    /// 30 categories (the first ones far busier: weights 1/k), 200 streets of 5 communities,
    /// received uniformly over the last 29 days, half with coordinates within the city, a
    /// caller among 300,000 numbers, texts from the generated reports.
    static func load(rows: Int, texts: [String], on connection: PostgresConnection) throws {
        try connection.execute("INSERT INTO categories (code, name) VALUES ('99', '压测')")
        try connection.execute(
            "INSERT INTO categories (code, name, parent_code) SELECT '99' || lpad(k::text, 2, '0'), '类' || k, '99' FROM generate_series(1, 30) AS k")
        try connection.execute(
            """
            INSERT INTO cases (source, external_id, category_code, area_code, title, description, address, citizen_phone,
                               latitude, longitude, received_at, state)
            SELECT 'bench', i::text,
                   '99' || lpad((1 + floor(exp(random() * ln(31)) - 1))::int::text, 2, '0'),
                   '420102' || lpad((1 + (hashint8(i) & 2147483647) % 200)::text, 3, '0') || lpad((1 + i % 5)::text, 3, '0'),
                   split_part(t, ' ', 1), t, split_part(t, ' ', 2),
                   '138' || lpad(((hashint8(i + 7) & 2147483647) % 300000)::text, 8, '0'),
                   CASE WHEN i % 2 = 0 THEN 30.55 + random() * 0.15 END, CASE WHEN i % 2 = 0 THEN 114.25 + random() * 0.15 END,
                   now() - random() * interval '29 days',
                   (ARRAY['dispatched', 'accepted', 'resolved', 'closed'])[1 + i % 4]::case_state
            FROM generate_series(1, \(rows)) AS i, LATERAL (SELECT (\(texts))[1 + i % \(texts.count)] AS t) AS x
            """)
        try connection.execute("ANALYZE cases")
    }

    /// pgbench running `duplicate_candidates` on the same cases, one client; each
    /// transaction's latency from its log. Nil without pgbench.
    static func pgbenchFloor(schema: String, ids: [Int64]) throws -> [Double]? {
        guard let pgbench = PgbenchFloor.pgbench else { return nil }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("civicq-ledger-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // The ids in a table, so each transaction takes the next one as the Swift run did.
        _ = try PgbenchFloor.execute(PgbenchFloor.psql ?? "psql", ["-q", "-v", "ON_ERROR_STOP=1",
            "-c", "CREATE TABLE \(schema).bench_ids (n int PRIMARY KEY, id bigint)",
            "-c", "INSERT INTO \(schema).bench_ids SELECT n, (ARRAY\(ids))[n] FROM generate_series(1, \(ids.count)) AS n"]
            + PgbenchFloor.connectionArguments)
        let script = directory.appendingPathComponent("lookup.sql")
        try """
            \\set n random(1, \(ids.count))
            SELECT d.id, d.state, d.received_at, d.area_code, d.lead_department, d.same_area, d.same_street, d.distance_m, d.same_caller, concat_ws(' ', d.title, d.address, d.description) FROM \(schema).duplicate_candidates((SELECT id FROM \(schema).bench_ids WHERE n = :n), 200) AS d;

            """.write(to: script, atomically: true, encoding: .utf8)
        _ = try PgbenchFloor.execute(
            pgbench, ["-n", "-M", "prepared", "-c", "1", "-t", "\(ids.count + 50)", "-l", "--log-prefix=lookup", "-f", script.path]
                + PgbenchFloor.connectionArguments,
            environment: ["PGOPTIONS": "-c search_path=\(schema),pg_temp"], directory: directory)
        let logs = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("lookup") }
        var times: [Double] = []
        for log in logs {
            let text = try String(contentsOf: directory.appendingPathComponent(log), encoding: .utf8)
            // client_id transaction_no time(µs) script_no time_epoch time_us
            times += text.split(separator: "\n").compactMap { line in line.split(separator: " ").dropFirst(2).first.flatMap { Double($0) } }
        }
        return Array(times.dropFirst(50)).map { $0 / 1000 }
    }
}
