import Foundation
import Postgres
import TestSupport
import Testing

extension CaseCommandTests {
    /// The dispatch model (智能派单) from the shell: too small a history refused, a model
    /// learnt and stored, a second one kept as a record only, the models listed, the top three
    /// in `route test`, the desk's list with the suggestion, the model's dispatch when switched
    /// on, and dispatches by source.
    @Test func theDispatchModelFromTheCommandLine() async throws {
        try await Self.inOwnSchema("clilearn") { schema, environment in try await dispatchModel(schema: schema, environment: environment) }
    }

    private func dispatchModel(schema: String, environment: [String: String]) async throws {
        func civicq(_ arguments: String..., as login: String? = nil) async throws -> CivicQProcess.Outcome {
            try await Self.civicq(arguments, environment: environment, as: login)
        }
        try await Self.migrateWithTheExampleCity(environment: environment)
        let early = try await civicq("route", "learn")
        #expect(early.status == 64 && early.stderr.contains("0 finished cases in the last 365 days is too few: at least 1250 are needed"))
        #expect(early.stderr.contains("nothing was changed"))
        #expect(try await civicq("route", "models").stdout == "no dispatch model has been learnt (civicq route learn)\n")
        #expect(try await civicq("route", "test", "--category", "990101", "--area", "999999").stdout
            .contains("no dispatch model is in use (civicq route learn)"))

        try await TestDatabase.asAdmin { connection in
            try connection.execute("SET search_path TO \(identifier: schema)")
            for history in FinishedCases.threeUnits(from: Date().addingTimeInterval(-20 * 86_400)) { try connection.execute(history.insert) }
        }
        let learnt = try await civicq("route", "learn", "--days", "30")
        #expect(learnt.status == 0, "\(learnt.stderr)")
        #expect(learnt.stdout.contains("learnt from 1200 finished cases of the last 30 days, tested on the 300 latest"))
        #expect(learnt.stdout.hasSuffix("stored as model 1, now in use\n"), "\(learnt.stdout)")
        let again = try await civicq("route", "learn", "--days", "30", "--json")
        let json = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(json["version"] as? Int == 2 && json["adopted"] as? Bool == false)
        #expect((json["comparison"] as? [String: Any])?["cases"] as? Int == 300)
        let models = try await civicq("route", "models")
        let rows = models.stdout.split(separator: "\n")
        #expect(rows.first?.hasPrefix("version") == true && rows.count == 3, "\(models.stdout)")
        #expect(rows.dropFirst().first?.hasPrefix("2 ") == true && rows.dropFirst().first?.hasSuffix("not adopted") == true)
        #expect(rows.last?.hasPrefix("1 ") == true && rows.last?.hasSuffix("in use") == true && rows.last?.contains("+08:00") == true)

        let tested = try await civicq("route", "test", "--category", "990101", "--area", "999999", "--text", "树枝挡住了人行道")
        #expect(tested.stdout.contains("→ the manual dispatch desk"))
        #expect(tested.stdout.contains("dispatch model 1 (learnt "), "\(tested.stdout)")
        #expect(tested.stdout.contains("  1. garden 100.0 %  weighed most: "))
        let chinese = try await civicq("route", "test", "--category", "990101", "--area", "999999", "--text", "树枝挡住了人行道", "--lang", "zh-CN")
        #expect(chinese.stdout.contains("派单模型 1（") && chinese.stdout.contains("  1. garden 100.0 %  依据："))

        // Off by default: the rules send it to the desk, whose list shows the model's choice.
        let submitted = try await civicq("case", "submit", "--category", "990101", "--area", "999999", "--title", "树枝挡路",
                                         "--description", "树枝挡住了人行道", "--external-id", "m1")
        #expect(submitted.status == 0, "\(submitted.stderr)")
        let worker = try CivicQProcess.launch(["worker", "--poll-ms", "50"], environment: environment)
        defer { if worker.isRunning { kill(worker.processIdentifier, SIGTERM); worker.waitUntilExit() } }
        #expect(try await TestDatabase.eventually {
            try await civicq("case", "list", "--state", "manual_dispatch", "--department", "all", as: "desk_li").stdout
                .contains("suggested: garden 100.0 %")
        })

        // Switched on: the next such case goes to the model's choice, and says so.
        _ = try await TestDatabase.asAdmin { connection in
            try connection.execute("UPDATE \(identifier: schema).settings SET value = '0.9' WHERE key = 'dispatch.auto_threshold'")
        }
        #expect(try await civicq("routes", "import", "\(Self.examples)/routes.yaml").status == 0)  // read again at once
        let second = try await civicq("case", "submit", "--category", "990101", "--area", "999999", "--title", "树木倒伏",
                                      "--description", "路边大树倒了", "--external-id", "m2")
        #expect(second.stdout.hasPrefix("case 1502 received"), "\(second.stdout)")  // after the 1,500 of the history
        #expect(try await TestDatabase.eventually {
            try await civicq("case", "list", "--department", "garden", "--json", as: "desk_li").stdout.contains("\"lead_department\":\"garden\"")
        })
        let explained = try await civicq("route", "explain", "1502")
        #expect(explained.stdout.contains("dispatched to garden: no rule matched; dispatch model 1 put garden first at 100.0 %"), "\(explained.stdout)")
        let sources = try await civicq("stats", "sources")
        #expect(sources.stdout.contains("model   1           0         0.0 %"), "\(sources.stdout)")
        #expect(try await civicq("stats", "sources", "--by", "area").status == 64)
    }
}
