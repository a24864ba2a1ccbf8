import Casework
import Foundation
import JobQueue
import Postgres
import TestSupport
import Testing

@Suite("civicq stats with worker processes (PostgreSQL)")
struct StatsCommandTests {
    static var examples: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("deploy/examples").path
    }

    @Test("workers SIGKILLed while they route and roll up: stats verify agrees with the rollups, and stats prints them")
    func verifyAfterKills() async throws {
        try await TestDatabase.withMigratedSchema(size: 2) { client, schema in
            let target = ["--schema", schema, "--database-url", try TestDatabase.conninfo]
            func civicq(_ arguments: [String]) async throws -> CivicQProcess.Outcome {
                try await CivicQProcess.run(arguments + target)
            }
            for (command, file) in [("departments", "departments.yaml"), ("categories", "categories.yaml"),
                                    ("calendar", "calendar.yaml"), ("routes", "routes.yaml")] {
                #expect(try await civicq([command, "import", "\(Self.examples)/\(file)"]).status == 0)
            }
            // 300 cases, half received 20 days ago (their clocks run out at once: escalations).
            let store = CaseworkStore(schema: schema)
            try await client.withConnection { connection in
                for index in 0..<300 {
                    let old = index % 2 == 0 ? Date().addingTimeInterval(-20 * 86_400) : nil
                    _ = try store.submit(NewCase(source: "hotline", externalID: "k\(index)", category: ["020103", "030101", "010202"][index % 3],
                                                 area: "420102001", title: "下水道堵塞", description: "小区门口下水道堵塞", receivedAt: old), on: connection)
                }
            }
            let options = ["worker", "--queues", "routing,clocks,figures", "--poll-ms", "50", "--lease-seconds", "3", "--concurrency", "4"]
            for _ in 0..<3 {
                let doomed = try CivicQProcess.launch(options + target)
                // Killed while it holds jobs (or once there is nothing left to hold).
                _ = try await TestDatabase.eventually(within: .seconds(20)) {
                    try await client.withConnection { connection in
                        try connection.query(
                            """
                            SELECT count(*) FILTER (WHERE state = 'running') > 0 OR count(*) FILTER (WHERE state = 'available') = 0
                            FROM \(unsafe: schema).jobs WHERE kind NOT IN ('figures.rollup', 'hotspots.scan')
                            """).scalar(Bool.self) ?? false
                    }
                }
                kill(doomed.processIdentifier, SIGKILL)
                doomed.waitUntilExit()
            }
            let survivor = try CivicQProcess.launch(options + target)
            defer { if survivor.isRunning { survivor.terminate() } }
            let settled = try await TestDatabase.eventually(within: .seconds(60)) {
                try await client.withConnection { connection in
                    try connection.query(
                        """
                        SELECT (SELECT count(*) FROM \(unsafe: schema).jobs WHERE kind NOT IN ('figures.rollup', 'hotspots.scan') AND state IN ('available', 'running'))
                             + (SELECT count(*) FROM \(unsafe: schema).cases WHERE state = 'received')
                             + (SELECT count(*) FROM \(unsafe: schema).figure_dirty)
                        """).scalar(Int.self)
                } == 0
            }
            #expect(settled)
            // The live view sees the survivor, its queues and the overdue cases.
            let top = try await civicq(["top", "--once"])
            #expect(top.status == 0)
            #expect(top.stdout.contains("QUEUE") && top.stdout.contains("figures"))
            #expect(top.stdout.contains("routing,clocks,figures") && top.stdout.contains("/4"), "the surviving worker is listed")
            #expect(top.stdout.contains("OVERDUE"), "cases received 20 days ago are past their deadlines")
            survivor.terminate()
            survivor.waitUntilExit()
            #expect(survivor.terminationStatus == 0)

            let period = ["--from", Self.day(-40), "--to", Self.day(20)]
            let verified = try await civicq(["stats", "verify", "--json"] + period)
            #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
            let report = try JSONSerialization.jsonObject(with: Data(verified.stdout.utf8)) as? [String: Any]
            #expect(report?["agree"] as? Bool == true)
            #expect(report?["cases_read"] as? Int == 300)

            let table = try await civicq(["stats", "--by", "area", "--json"] + period)
            #expect(table.status == 0)
            let rows = (try JSONSerialization.jsonObject(with: Data(table.stdout.utf8)) as? [String: Any])?["rows"] as? [[String: Any]]
            let intake = rows?.compactMap { ($0["counts"] as? [String: Any])?["intake"] as? Int }.reduce(0, +)
            #expect(intake == 300)
            // The whole city's line counts each case once; an area's line has no return rate.
            let tableJSON = try JSONSerialization.jsonObject(with: Data(table.stdout.utf8)) as? [String: Any]
            let city = tableJSON?["city"] as? [String: Any]
            #expect((city?["counts"] as? [String: Any])?["intake"] as? Int == 300)
            #expect(rows?.allSatisfy { ($0["rates"] as? [String: Any])?["returns"] is NSNull } == true)
            let byArea = try await civicq(["stats", "--by", "area"] + period)
            let cityLine = byArea.stdout.split(separator: "\n").first { $0.hasPrefix("city ") }
            #expect(cityLine?.contains("whole city") == true && cityLine?.contains(" 300 ") == true, "\(byArea.stdout)")
            #expect(byArea.stdout.split(separator: "\n").dropFirst(2).first?.contains("—") == true)
            let text = try await civicq(["stats", "ranking"] + period)
            #expect(text.status == 0)
            #expect(text.stdout.contains("score"))
            #expect(!text.stdout.contains("ledger"), "the ledger weighs nothing by default")
            // With figures.weight_ledger the ranking takes the ledger's on-time rate too: water
            // met one of its two deadlines in the period.
            try await client.withConnection { connection in
                try connection.executeScript(
                    """
                    UPDATE \(schema).settings SET value = '20' WHERE key = 'figures.weight_ledger';
                    INSERT INTO \(schema).ledger_items (title, lead_department, due_day, deadline, state, created_at, created_by, closed_at)
                    VALUES ('a', 'water', current_date - 5, now() - interval '5 days', 'closed_out', now() - interval '9 days', 'x', now() - interval '6 days'),
                           ('b', 'water', current_date - 3, now() - interval '3 days', 'open', now() - interval '9 days', 'x', NULL);
                    """)
            }
            let weighed = try await civicq(["stats", "ranking"] + period)
            #expect(weighed.stdout.contains("+ ledger on time × 20"), "\(weighed.stdout)")
            let weighedJSON = try JSONSerialization.jsonObject(with: Data(try await civicq(["stats", "ranking", "--json"] + period).stdout.utf8)) as? [String: Any]
            #expect((weighedJSON?["weights"] as? [String: Any])?["ledger"] as? Double == 20)
            let entries = (weighedJSON?["levels"] as? [[String: Any]] ?? []).flatMap { $0["entries"] as? [[String: Any]] ?? [] }
            let water = entries.first { $0["key"] as? String == "water" }
            #expect((water?["ledger_on_time"] as? [String: Any])?["denominator"] as? Int == 2, "\(entries.map { $0["key"] ?? "" })")
            let bad = try await civicq(["stats", "--period", "2026-13"])
            #expect(bad.status == 64)
            #expect(bad.stderr.contains("YYYY-MM"))
        }
    }

    static func day(_ offset: Int) -> String {
        let calendar = WorkCalendar(timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        return calendar.day(of: Date()).adding(days: offset).description
    }
}
