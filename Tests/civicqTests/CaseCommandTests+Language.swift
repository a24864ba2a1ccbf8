import Foundation
import TestSupport
import Testing

extension CaseCommandTests {
    /// The example city speaks Chinese (`language: zh-CN` in its calendar): with a locale that
    /// names no language, every command prints its headers and sentences in Chinese, the
    /// operators' commands too; `--lang en` gives English back.
    @Test func theExampleCitySpeaksChineseInEveryCommand() async throws {
        try await Self.inOwnSchema("clilang") { _, environment in
            func civicq(_ arguments: String..., as login: String? = nil) async throws -> CivicQProcess.Outcome {
                var environment = environment
                environment["LANG"] = "C"
                return try await Self.civicq(arguments, environment: environment, as: login)
            }
            func expect(_ outcome: CivicQProcess.Outcome, says text: String, _ command: String) {
                #expect(outcome.status == 0 && outcome.stdout.contains(text), "\(command): \(outcome.stdout) \(outcome.stderr)")
            }
            try await Self.migrateWithTheExampleCity(environment: environment)
            expect(try await civicq("departments", "import", "\(Self.examples)/departments.yaml"), says: "已导入", "departments import")
            expect(try await civicq("migrate"), says: "已是最新", "migrate")
            expect(try await civicq("migrate", "--status"), says: "已执行", "migrate --status")
            expect(try await civicq("doctor"), says: "服务器     PostgreSQL", "doctor")
            expect(try await civicq("case", "submit", "--category", "020103", "--area", "420102001", "--title", "下水道堵塞",
                                    "--description", "污水漫到路上", as: "desk_li"), says: "案件 1 已受理", "case submit")
            expect(try await civicq("jobs", "stats"), says: "队列", "jobs stats")
            expect(try await civicq("jobs", "dead"), says: "没有死信任务", "jobs dead")
            expect(try await civicq("case", "duplicates", "1", as: "desk_li"), says: "没有可能与案件 1 重复的案件", "case duplicates")
            expect(try await civicq("extensions", "list", as: "desk_li"), says: "没有等待审批的延期申请", "extensions list")
            expect(try await civicq("escalations", as: "desk_li"), says: "最近 7 天没有督办", "escalations")
            expect(try await civicq("callback", "next", as: "callback_zhao"), says: "没有到期的回访", "callback next")
            expect(try await civicq("hotspots", "list", as: "desk_li"), says: "没有热点", "hotspots list")
            expect(try await civicq("ledger", "list", as: "desk_li"), says: "没有台账事项", "ledger list")
            expect(try await civicq("ledger", "new", "--title", "积水点整治", "--lead", "water", "--working-days", "5", "--case", "1", as: "desk_li"),
                   says: "台账事项 1 已创建", "ledger new")
            expect(try await civicq("ledger", "list", as: "desk_li"), says: "编号  状态", "ledger list")
            expect(try await civicq("ledger", "show", "1", as: "desk_li"), says: "状态         未销号", "ledger show")
            expect(try await civicq("ledger", "report", as: "desk_li"), says: "台账报告", "ledger report")
            expect(try await civicq("archive", "list"), says: "月份", "archive list")
            expect(try await civicq("users", "list"), says: "登录名", "users list")
            expect(try await civicq("keys", "list"), says: "没有密钥", "keys list")
            expect(try await civicq("route", "test", "--category", "020103", "--area", "420102001"), says: "规则版本", "route test")
            expect(try await civicq("route", "explain", "1"), says: "尚未派单", "route explain")
            expect(try await civicq("top", "--once"), says: "受理：", "top")
            // A refusal of the database, in Chinese.
            let refused = try await civicq("ledger", "approve", "1", as: "desk_li")
            #expect(refused.status == 73 && refused.stderr == "civicq: 台账事项 1 处于 open（未处理）状态：不能销号\n", "\(refused.stderr)")
            // --lang en: the same command in English.
            let english = try await civicq("ledger", "show", "1", "--lang", "en", as: "desk_li")
            #expect(english.stdout.hasPrefix("ledger item 1: 积水点整治\nstate        open\n"), "\(english.stdout)")
        }
    }
}
