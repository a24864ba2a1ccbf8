import Foundation
import Postgres
import TestSupport
import Testing

@Suite("civicq import and civicq keys (PostgreSQL)")
struct ImportCommandTests {
    static var examples: String { CaseCommandTests.examples }

    /// Runs `body` with a migrated schema holding the example categories, then drops it.
    static func withCity(_ body: (_ civicq: ([String]) async throws -> CivicQProcess.Outcome, _ directory: URL) async throws -> Void) async throws {
        let schema = TestDatabase.uniqueName("imp")
        let environment = ["DATABASE_URL": try TestDatabase.conninfo, "CIVICQ_SCHEMA": schema]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(schema)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func civicq(_ arguments: [String]) async throws -> CivicQProcess.Outcome {
            try await CivicQProcess.run(arguments, environment: environment)
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            #expect(try await civicq(["migrate"]).status == 0)
            #expect(try await civicq(["categories", "import", "\(examples)/categories.yaml"]).status == 0)
            try await body(civicq, directory)
        } catch {
            try? await drop(schema)
            throw error
        }
        try await drop(schema)
    }

    static func drop(_ schema: String) async throws {
        try await TestDatabase.asAdmin { try $0.executeScript("DROP SCHEMA IF EXISTS \(schema) CASCADE") }
    }

    @Test("JSON Lines: good rows are stored, bad ones rejected with line and reason, and a second run creates nothing")
    func jsonLines() async throws {
        try await Self.withCity { civicq, directory in
            let file = directory.appendingPathComponent("cases.jsonl")
            let lines = [
                #"{"external_id":"J-1","category":"010202","area":"420102","title":"路灯不亮","description":"三天了"}"#,
                #"{"external_id":"J-2","category":"999999","area":"420102","title":"t","description":"d"}"#,
                "",
                #"{"external_id":"J-3","category":"010202","area":"420102","title":"","description":"d"}"#,
                "not json",
                #"{"external_id":"J-1","category":"010202","area":"420102","title":"again","description":"d"}"#,
                #"{"external_id":"J-4","category":"030101","area":"420103","title":"夜间施工","description":"打桩\n到半夜","citizen":{"phone":"13800000000"}}"#,
            ]
            try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
            let first = try await civicq(["import", file.path, "--source", "files"])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("6 rows") && first.stdout.contains("2 created") && first.stdout.contains("4 rejected"), "\(first.stdout)")
            let rejects = try String(contentsOf: URL(fileURLWithPath: file.path + ".rejects.jsonl"), encoding: .utf8)
            #expect(rejects.split(separator: "\n").map { $0.prefix(10) } == [#"{"line":2,"#, #"{"line":4,"#, #"{"line":5,"#, #"{"line":6,"#])
            #expect(rejects.contains("category is not a known category code") && rejects.contains("title must not be empty"))
            #expect(rejects.contains("repeats line 1") && rejects.contains("not a JSON object"))
            let again = try await civicq(["import", file.path, "--source", "files"])
            #expect(again.stdout.contains("0 created") && again.stdout.contains("2 already there"), "\(again.stdout)")
            let listed = try await civicq(["case", "list", "--json"])
            #expect(listed.stdout.components(separatedBy: "\"id\"").count - 1 == 2)
        }
    }

    @Test("CSV with quotes, commas and line breaks; GBK files are refused unless converted")
    func csvAndEncodings() async throws {
        try await Self.withCity { civicq, directory in
            let csv = #"""
                external_id,category,area,title,description,citizen_phone,latitude,longitude
                C-1,010202,420102,"路灯, 不亮","第一行
                第二行 ""引号""",13800000000,30.6,114.3
                C-2,010202,420102,短,缺一列
                C-3,010202,4201,井盖丢失,很危险,,,
                """#
            let file = directory.appendingPathComponent("cases.csv")
            try csv.write(to: file, atomically: true, encoding: .utf8)
            let result = try await civicq(["import", file.path, "--source", "csv"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("2 created") && result.stdout.contains("1 rejected"), "\(result.stdout)")
            let rejects = try String(contentsOf: URL(fileURLWithPath: file.path + ".rejects.jsonl"), encoding: .utf8)
            #expect(rejects.contains(#""line":4"#) && rejects.contains("fields"))

            // 路灯不亮 in GBK.
            let gbk: [UInt8] = Array("external_id,category,area,title,description\nG-1,010202,420102,".utf8)
                + [0xC2, 0xB7, 0xB5, 0xC6, 0xB2, 0xBB, 0xC1, 0xC1] + Array(",x\n".utf8)
            let gbkFile = directory.appendingPathComponent("gbk.csv")
            try Data(gbk).write(to: gbkFile)
            let refused = try await civicq(["import", gbkFile.path, "--source", "csv"])
            #expect(refused.status == 65 && refused.stderr.contains("GBK"), "\(refused.stderr)")
            let converted = try await civicq(["import", gbkFile.path, "--source", "gbk", "--encoding", "gbk"])
            #expect(converted.status == 0 && converted.stdout.contains("1 created"), "\(converted.stdout) \(converted.stderr)")
            let shown = try await civicq(["case", "list", "--json"])
            #expect(shown.stdout.contains("路灯不亮"))
            let badHeader = directory.appendingPathComponent("bad.csv")
            try "external_id,colour\nx,red\n".write(to: badHeader, atomically: true, encoding: .utf8)
            #expect(try await civicq(["import", badHeader.path, "--source", "csv"]).status == 65)
            #expect(try await civicq(["import", directory.appendingPathComponent("missing.jsonl").path, "--source", "x"]).status == 66)
        }
    }

    @Test("keys: created once, listed without the secret, revoked")
    func keys() async throws {
        try await Self.withCity { civicq, _ in
            let created = try await civicq(["keys", "create", "--source", "hotline", "--label", "call centre", "--scope", "cases:write"])
            #expect(created.status == 0)
            let key = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(key.hasPrefix("cq_") && key.count == 44)
            let listed = try await civicq(["keys", "list"])
            #expect(listed.stdout.contains("hotline") && listed.stdout.contains("cases:write") && !listed.stdout.contains(String(key.suffix(32))))
            #expect(try await civicq(["keys", "create", "--source", "bad source"]).status == 64)
            #expect(try await civicq(["keys", "create", "--source", "x", "--scope", "everything"]).status == 64)
            let prefix = String(key.split(separator: "_")[1])
            #expect(try await civicq(["keys", "revoke", prefix]).status == 0)
            #expect(try await civicq(["keys", "revoke", prefix]).status == 66)
            #expect(try await civicq(["keys", "list"]).stdout.contains("revoked"))
        }
    }
}
