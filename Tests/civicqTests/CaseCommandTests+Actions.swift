import Foundation
import Postgres
import TestSupport
import Testing

extension CaseCommandTests {
    /// Every one-action command (`ActionCommand`) from the shell: its arguments reach the
    /// database, its sentence is printed, and a refusal is an exit code.
    @Test func everyActionFromTheCommandLine() async throws {
        try await Self.inOwnSchema("cliact") { _, environment in try await actions(environment: environment) }
    }

    private func actions(environment: [String: String]) async throws {
        func civicq(_ arguments: String..., as login: String? = nil) async throws -> CivicQProcess.Outcome {
            try await Self.civicq(arguments, environment: environment, as: login)
        }
        /// Runs and returns standard output, recording standard error when it fails.
        func says(_ arguments: String..., as login: String) async throws -> String {
            let outcome = try await Self.civicq(arguments, environment: environment, as: login)
            #expect(outcome.status == 0, "\(arguments.prefix(2)): \(outcome.stderr)")
            return outcome.stdout
        }
        /// One value, read as the superuser.
        func sql(_ text: String) async throws -> String? {
            try await TestDatabase.asAdmin { connection in
                try connection.execute("SET search_path TO \(identifier: environment["CIVICQ_SCHEMA"]!)")
                return try connection.query(PostgresQuery(unsafeSQL: text)).scalar(String.self)
            }
        }
        #expect(try await civicq("migrate").status == 0)
        for file in ["departments", "categories", "calendar"] {
            #expect(try await civicq(file, "import", "\(Self.examples)/\(file).yaml").status == 0)
        }
        for n in 1...5 {
            let submitted = try await civicq("case", "submit", "--category", "020103", "--area", "420102001", "--title", "下水道堵塞 \(n)",
                                             "--description", "污水漫到路上", "--external-id", "act-\(n)")
            #expect(submitted.stdout.contains("case \(n) received"), "\(submitted.stderr)")
        }

        // The dispatch desk, before anything is routed.
        #expect(try await says("case", "reject", "3", "--reason", "无效诉求", as: "desk_li") == "case 3 is rejected\n")
        #expect(try await says("case", "withdraw", "4", "--reason", "市民撤诉", as: "desk_li") == "case 4 is withdrawn\n")
        #expect(try await says("case", "merge", "5", "into", "1", as: "desk_li") == "case 5 merged into case 1\n")
        #expect(try await civicq("case", "reject", "3", "--reason", "again", as: "desk_li").status == 73)
        #expect(try await civicq("case", "merge", "5", "1", "2", as: "desk_li").status == 64)

        // A worker routes cases 1 and 2 to water and starts their clocks.
        #expect(try await civicq("routes", "import", "\(Self.examples)/routes.yaml").status == 0)
        let worker = try CivicQProcess.launch(["worker", "--poll-ms", "50"], environment: environment)
        defer { if worker.isRunning { kill(worker.processIdentifier, SIGTERM); worker.waitUntilExit() } }
        let clocked = try await TestDatabase.eventually {
            try await sql("SELECT count(*) FROM cases WHERE lead_department = 'water' AND resolution_due IS NOT NULL") == "2"
        }
        #expect(clocked)
        #expect(try await says("case", "assign", "1", "--lead", "water", "--assist", "urban, ", "--reason", "人工派单", as: "desk_li")
                == "case 1 is dispatched to water\n")

        // The department, and the office on its extension requests.
        #expect(try await says("case", "accept", "1", as: "water_wang") == "case 1 accepted; it is accepted\n")
        let later = Self.day(daysFromNow: 120)
        #expect(try await says("case", "extend", "1", "--until", later, "--reason", "需要施工", as: "water_wang")
                == "extension request 1 for case 1 until \(later) 24:00 +08:00 waits for the hotline office\n")
        #expect(try await says("extensions", "refuse", "1", "--reason", "不批", as: "desk_li") == "extension request 1 refused\n")
        #expect(try await says("case", "extend", "1", "--until", later, "--reason", "需要施工", as: "water_wang")
                == "extension request 2 for case 1 until \(later) 24:00 +08:00 waits for the hotline office\n")
        #expect(try await says("extensions", "approve", "2", as: "desk_li") == "extension request 2 approved\n")
        #expect(try await civicq("extensions", "approve", "2", as: "desk_li").status == 73)
        #expect(try await civicq("extensions", "approve", "99", as: "desk_li").status == 66)
        #expect(try await civicq("extensions", "approve", "1", as: "water_wang").status == 77)
        #expect(try await civicq("case", "extend", "1", "--until", "tomorrow", "--reason", "x", as: "water_wang").status == 64)
        #expect(try await says("case", "note", "2", "内部备注", as: "water_wang") == "note added to case 2\n")
        #expect(try await says("case", "accept", "2", as: "water_wang") == "case 2 accepted; it is accepted\n")
        #expect(try await says("case", "return", "2", "--reason", "not_our_duty", "--text", "不归我们", as: "water_wang")
                == "case 2 is returned; it will be routed again\n")
        #expect(try await says("case", "resolve", "1", "--reply", "已疏通", as: "water_wang") == "case 1 is resolved\n")

        // The callback agent.
        #expect(try await civicq("callback", "record", "1", "--unreachable", "--solved", "yes", as: "callback_zhao").status == 64)
        #expect(try await says("callback", "record", "1", "--solved", "yes", "--rating", "satisfied", as: "callback_zhao")
                == "case 1 closed\n")

        let rerouted = try await TestDatabase.eventually { try await sql("SELECT state || ' ' || lead_department FROM cases WHERE id = 2") != "returned water" }
        #expect(rerouted)
        #expect(try await sql("SELECT string_agg(id || '=' || state, ' ' ORDER BY id) FROM cases WHERE id <> 2")
                == "1=closed 3=rejected 4=withdrawn 5=merged")
        #expect(try await sql("SELECT lead_department FROM cases WHERE id = 2") != "water")
        #expect(try await sql("SELECT string_agg(state, ' ' ORDER BY id) FROM extensions") == "refused approved")
    }

    /// A date `days` ahead, as a person types it.
    static func day(daysFromNow days: Int) -> String {
        let date = Date().addingTimeInterval(Double(days) * 86_400)
        return String(date.formatted(.iso8601.year().month().day()))
    }
}
