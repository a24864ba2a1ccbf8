import Casework
import Foundation
import Postgres
import TestSupport
import Testing

extension CaseCommandTests {
    /// `civicq ledger` from the shell, as the example city's desk, water and urban people: a
    /// campaign list imported (all or nothing), progress, close-out with evidence files, the
    /// office's decision, the report in its four forms; the sentences and exit codes.
    @Test func ledgerItemsFromTheCommandLine() async throws {
        try await Self.inOwnSchema("clitz") { schema, environment in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(schema)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            try await ledgerItems(environment: environment, directory: directory)
        }
    }

    private func ledgerItems(environment: [String: String], directory: URL) async throws {
        func civicq(_ arguments: String..., as login: String? = nil) async throws -> CivicQProcess.Outcome {
            try await Self.civicq(arguments, environment: environment, as: login)
        }
        func write(_ name: String, _ bytes: [UInt8]) throws -> String {
            let path = directory.appendingPathComponent(name).path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return path
        }
        try await Self.migrateWithTheExampleCity(environment: environment)
        let due = try await TestDatabase.asAdmin { connection in
            try connection.execute("SET search_path TO \(identifier: environment["CIVICQ_SCHEMA"]!)")
            let calendar = try CaseworkStore(schema: environment["CIVICQ_SCHEMA"]!).loadCalendar(on: connection)
            return calendar.day(of: calendar.end(ofWorkingDays: 3, after: Date()).addingTimeInterval(-1)).description
        }

        // A campaign's list in GB18030 with a bad line: named, nothing stored (exit 65).
        let header = "编号,事项,地点,牵头单位,配合单位,完成时限\n"
        let good = "1,一元路积水点整治,一元路,water,urban,\(due)\n2,车站路路灯不亮,车站路,power,,\(due)\n"
        let bad = try write("bad.csv", TextEncoding.gb18030(fromUTF8: Array((header + good + "3,永清街噪音,永清街,nobody,,\(due)\n").utf8))!)
        let refused = try await civicq("ledger", "import", bad, "--source", "第二轮督察", as: "desk_li")
        #expect(refused.status == 65, "\(refused.stderr)")
        #expect(refused.stdout == "line 4: there is no unit nobody\n1 of 3 lines are wrong: nothing stored\n")
        #expect(try await civicq("ledger", "list", as: "desk_li").stdout == "no ledger items\n")
        #expect(try await civicq("ledger", "import", try write("latin1.csv", [0xFF, 0xFE, 0x41]), "--source", "x", as: "desk_li").status == 65)
        let list = try write("list.csv", TextEncoding.gb18030(fromUTF8: Array((header + good).utf8))!)
        #expect(try await civicq("ledger", "import", list, "--source", "第二轮督察", as: "water_wang").status == 77)
        let imported = try await civicq("ledger", "import", list, "--source", "第二轮督察", as: "desk_li")
        #expect(imported.stdout == "2 ledger items imported (1, 2)\n", "\(imported.stderr)")

        // The office makes one from a case; the options are checked before anything is done.
        #expect(try await civicq("ledger", "new", "--title", "x", "--lead", "water", "--due", due, "--working-days", "3", as: "desk_li").status == 64)
        let made = try await civicq("ledger", "new", "--title", "幸福路下水道反复堵塞", "--lead", "water", "--working-days", "3",
                                    "--source", "每月一题", as: "desk_li")
        #expect(made.stdout == "ledger item 3 created for water, due \(due)\n", "\(made.stderr)")
        #expect(try await civicq("ledger", "new", "--title", "x", "--lead", "water", "--due", "2027-01-02", as: "desk_li").status == 64)

        // Each unit sees its own: water leads 1 and 3; urban assists 1; power leads 2.
        let waterList = try await civicq("ledger", "list", "--json", as: "water_wang")
        let items = try JSONSerialization.jsonObject(with: Data(waterList.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(items.compactMap { $0["id"] as? Int } == [1, 3])
        #expect(try await civicq("ledger", "progress", "1", "--note", "已配合清淤", as: "urban_liu").stdout == "progress noted on ledger item 1\n")
        #expect(try await civicq("ledger", "progress", "2", "--note", "x", as: "urban_liu").status == 77)
        #expect(try await civicq("ledger", "show", "2", as: "urban_liu").status == 66)

        // Close-out: evidence is required and checked from its bytes.
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x01]
        let photo = try write("after.png", png)
        let posing = try write("after.jpg", png)
        let pdf = try write("验收.pdf", Array("%PDF-1.4\n%%EOF\n".utf8))
        let noEvidence = try await civicq("ledger", "close-out", "1", "--note", "已完成", as: "water_wang")
        #expect(noEvidence.status == 64)
        #expect(noEvidence.stderr == "civicq: a close-out request needs evidence: at least one photo or PDF\n")
        let wrongType = try await civicq("ledger", "close-out", "1", "--note", "已完成", "--file", posing, as: "water_wang")
        #expect(wrongType.stderr == "civicq: after.jpg is named as image/jpeg but its bytes are image/png\n")
        #expect(try await civicq("ledger", "close-out", "1", "--note", "已完成", "--file", photo, as: "urban_liu").status == 77)
        let schema = environment["CIVICQ_SCHEMA"]!
        _ = try await TestDatabase.asAdmin { try $0.execute("UPDATE \(identifier: schema).settings SET value = '100' WHERE key = 'ledger.evidence_max_bytes'") }
        let big = try write("big.pdf", Array("%PDF-1.4\n".utf8) + [UInt8](repeating: 0x20, count: 190))
        let tooBig = try await civicq("ledger", "close-out", "1", "--note", "已完成", "--file", big, as: "water_wang")
        #expect(tooBig.status == 64 && tooBig.stderr == "civicq: big.pdf is 199 bytes: the limit is 100\n", "\(tooBig.stderr)")
        _ = try await TestDatabase.asAdmin { try $0.execute("UPDATE \(identifier: schema).settings SET value = '10485760' WHERE key = 'ledger.evidence_max_bytes'") }
        let asked = try await civicq("ledger", "close-out", "1", "--note", "已完成", "--file", photo, "--file", pdf, as: "water_wang")
        #expect(asked.stdout == "close-out of ledger item 1 asked, with 2 evidence files\n", "\(asked.stderr)")
        let shown = try await civicq("ledger", "show", "1", as: "water_wang")
        #expect(shown.stdout.contains("state        close-out requested"))
        #expect(shown.stdout.contains("+08:00"))
        #expect(shown.stdout.contains("验收.pdf") && shown.stdout.contains("application/pdf"))
        let detail = try JSONSerialization.jsonObject(with: Data(try await civicq("ledger", "show", "1", "--json", as: "desk_li").stdout.utf8)) as? [String: Any]
        let evidence = detail?["evidence"] as? [[String: Any]] ?? []
        let copy = directory.appendingPathComponent("copy.png").path
        let fetched = try await civicq("ledger", "evidence", String(evidence.first?["id"] as? Int ?? 0), "-o", copy, as: "water_wang")
        #expect(fetched.stdout == "wrote \(copy) (image/png, 10 bytes)\n", "\(fetched.stderr)")
        #expect(FileManager.default.contents(atPath: copy) == Data(png))
        #expect(try await civicq("ledger", "evidence", String(evidence.first?["id"] as? Int ?? 0), "-o", copy, as: "urban_liu").status == 66)

        // The office refuses, then approves; wrong states and unknown items have their codes.
        #expect(try await civicq("ledger", "refuse", "1", "--reason", "缺少验收签字", as: "desk_li").stdout
                == "close-out of ledger item 1 refused: it is open again\n")
        #expect(try await civicq("ledger", "approve", "1", as: "desk_li").status == 73)
        #expect(try await civicq("ledger", "close-out", "1", "--note", "补签字", "--file", pdf, as: "water_wang").status == 0)
        #expect(try await civicq("ledger", "approve", "1", "--note", "同意销号", as: "water_wang").status == 77)
        #expect(try await civicq("ledger", "approve", "1", "--note", "同意销号", as: "desk_li").stdout == "ledger item 1 closed out\n")
        #expect(try await civicq("ledger", "approve", "99", as: "desk_li").status == 66)

        // The report for the current 旬: table, JSON, CSV with a BOM, a printable page.
        let table = try await civicq("ledger", "report", as: "desk_li")
        #expect(table.status == 0 && table.stdout.contains("water") && table.stdout.contains("50.0% (1/2)"), "\(table.stdout)")
        let json = try JSONSerialization.jsonObject(with: Data(try await civicq("ledger", "report", "--json", as: "desk_li").stdout.utf8)) as? [String: Any]
        let rows = json?["rows"] as? [[String: Any]] ?? []
        let water = try #require(rows.first { $0["unit"] as? String == "water" })
        #expect(water["new"] as? Int == 2 && water["closed_on_time"] as? Int == 1 && water["carried_over"] as? Int == 1)
        let csv = try await civicq("ledger", "report", "--csv", as: "water_wang")
        #expect(csv.stdout.hasPrefix("\u{FEFF}period,unit,name,"))
        #expect(csv.stdout.split(separator: "\r\n").count == 3, "water and the total: \(csv.stdout.debugDescription)")
        let page = directory.appendingPathComponent("report.html").path
        #expect(try await civicq("ledger", "report", "--html", "-o", page, as: "desk_li").status == 0)
        let html = String(decoding: FileManager.default.contents(atPath: page) ?? Data(), as: UTF8.self)
        #expect(html.contains("<svg") && html.contains("closed out on time") && html.contains("@media print"))
        #expect(try await civicq("ledger", "report", "--period", "2026-13", as: "desk_li").status == 64)
        #expect(try await civicq("ledger", "report", "--csv", "--json", as: "desk_li").status == 64)
    }
}
