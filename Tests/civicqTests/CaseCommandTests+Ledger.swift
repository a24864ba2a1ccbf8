import Foundation
import Postgres
import TestSupport
import Testing

extension CaseCommandTests {
    /// `civicq case duplicates` and `civicq hotspots` from the shell, as the example city's
    /// desk and water handler: what each sees, the sentences, the exit codes.
    @Test func duplicatesAndHotspotsFromTheCommandLine() async throws {
        try await Self.inOwnSchema("clidup") { schema, environment in try await ledger(schema: schema, environment: environment) }
    }

    private func ledger(schema: String, environment: [String: String]) async throws {
        func civicq(_ arguments: String..., as login: String? = nil) async throws -> CivicQProcess.Outcome {
            try await Self.civicq(arguments, environment: environment, as: login)
        }
        try await Self.migrateWithTheExampleCity(environment: environment)
        for (id, area, phone, text) in [("d1", "420102001001", "13812345678", "幸福路12号小区门口下水道堵塞，污水漫到人行道上，已经三天了"),
                                         ("d2", "420102001002", "13900000000", "幸福路12号门口的下水道堵了三天，污水都漫到人行道了")] {
            let submitted = try await civicq("case", "submit", "--category", "020103", "--area", area, "--title", "下水道堵塞",
                                             "--description", text, "--phone", phone, "--external-id", id)
            #expect(submitted.status == 0, "\(submitted.stderr)")
        }
        let worker = try CivicQProcess.launch(["worker", "--poll-ms", "50"], environment: environment)
        defer { if worker.isRunning { kill(worker.processIdentifier, SIGTERM); worker.waitUntilExit() } }
        #expect(try await TestDatabase.eventually {
            try await civicq("case", "list", "--json", as: "water_wang").stdout.components(separatedBy: "\"dispatched\"").count == 3
        })

        let listed = try await civicq("case", "duplicates", "2", as: "desk_li")
        #expect(listed.status == 0, "\(listed.stderr)")
        let lines = listed.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("case  score") == true)
        #expect(lines.dropFirst().first?.hasPrefix("1 ") == true, "\(listed.stdout)")
        #expect(listed.stdout.contains("same street"))
        #expect(listed.stdout.contains("+08:00"))
        let json = try await civicq("case", "duplicates", "2", "--json", as: "water_wang")
        let matches = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(matches.first?["id"] as? Int == 1)
        #expect((matches.first?["text_similarity"] as? Double ?? 0) > 0.5)
        #expect(try await civicq("case", "duplicates", "99", as: "desk_li").status == 66)
        #expect(try await civicq("case", "duplicates", "2", "--limit", "0", as: "desk_li").status == 64)
        // The lead department merges, with the spelling too.
        #expect(try await civicq("case", "merge", "2", "into", "1", "--into", "1", as: "water_wang").status == 64)
        let merged = try await civicq("case", "merge", "2", "--into", "1", as: "water_wang")
        #expect(merged.stdout == "case 2 merged into case 1\n", "\(merged.stderr)")
        #expect(try await civicq("case", "duplicates", "1", as: "desk_li").stdout == "no likely duplicates of case 1\n")

        // A street with one drain complaint a day for four weeks, twelve today.
        try await TestDatabase.asAdmin { connection in
            try connection.execute("SET search_path TO \(identifier: schema)")
            try connection.execute(
                """
                INSERT INTO cases (source, external_id, category_code, area_code, title, description, received_at)
                SELECT 'hotline', 'h' || d, '020103', '420102003001', '下水道堵塞', '下水道堵塞', now() - make_interval(days => d)
                FROM generate_series(1, 28) AS d
                UNION ALL
                SELECT 'hotline', 't' || n, '020103', '420102003001', '下水道堵塞', '下水道堵塞', now() FROM generate_series(1, 12) AS n
                """)
        }
        let scanned = try await civicq("hotspots", "scan")
        #expect(scanned.status == 0, "\(scanned.stderr)")
        #expect(scanned.stdout.contains("420102003 "))
        let office = try await civicq("hotspots", "--json", as: "desk_li")
        let spots = try JSONSerialization.jsonObject(with: Data(office.stdout.utf8)) as? [[String: Any]] ?? []
        let street = try #require(spots.first { $0["level"] as? String == "street" })
        #expect(street["area"] as? String == "420102003")
        let id = String(street["id"] as? Int ?? 0)
        #expect(try await civicq("hotspots", as: "water_wang").stdout == "no hot spots\n")
        #expect(try await civicq("hotspots", "dismiss", id, "--reason", "管网施工", as: "water_wang").status == 77)
        let dismissed = try await civicq("hotspots", "dismiss", id, "--reason", "管网施工", as: "desk_li")
        #expect(dismissed.stdout == "hot spot \(id) dismissed\n", "\(dismissed.stderr)")
        #expect(try await civicq("hotspots", "dismiss", id, "--reason", "again", as: "desk_li").status == 73)
        #expect(try await civicq("hotspots", "dismiss", "999", "--reason", "x", as: "desk_li").status == 66)
        #expect(try await civicq("hotspots", "--all", as: "desk_li").stdout.contains("dismissed"))
    }
}
