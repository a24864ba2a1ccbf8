import Foundation
import Postgres
import TestSupport
import Testing

extension CaseCommandTests {
    /// What a new user stumbled on (issue 18): each refusal names its real cause with the
    /// right exit code, lists say when they are cut and which clock is missed, and times are
    /// in the installation's zone whatever the machine's.
    @Test func refusalsListsAndTimesAsPeopleReadThem() async throws {
        try await Self.inOwnSchema("clippl") { _, environment in try await people(environment: environment) }
    }

    private func people(environment: [String: String]) async throws {
        func civicq(_ arguments: String..., as login: String? = nil, tz: String = "UTC", lang: String? = nil) async throws -> CivicQProcess.Outcome {
            var environment = environment
            environment["TZ"] = tz
            if let lang { environment["LANG"] = lang }
            return try await Self.civicq(arguments, environment: environment, as: login)
        }
        func sql(_ text: String) async throws -> String? {
            try await TestDatabase.asAdmin { connection in
                try connection.execute("SET search_path TO \(identifier: environment["CIVICQ_SCHEMA"]!)")
                return try connection.query(PostgresQuery(unsafeSQL: text)).scalar(String.self)
            }
        }
        try await Self.migrateWithTheExampleCity(environment: environment)
        // The desk takes complaints in by hand as itself; a handler may not.
        for n in 1...4 {
            let submitted = try await civicq("case", "submit", "--category", "020103", "--area", "420102001", "--title", "下水道堵塞 \(n)",
                                             "--description", "污水漫到路上", as: "desk_li")
            #expect(submitted.stdout == "case \(n) received; routing follows\n", "\(submitted.stderr)")
        }
        let handlerSubmits = try await civicq("case", "submit", "--category", "020103", "--area", "420102001", "--title", "x",
                                              "--description", "y", as: "water_wang")
        #expect(handlerSubmits.status == 77 && handlerSubmits.stderr == "civicq: a handler may not take in complaints\n")
        let worker = try CivicQProcess.launch(["worker", "--poll-ms", "50"], environment: environment)
        defer { if worker.isRunning { kill(worker.processIdentifier, SIGTERM); worker.waitUntilExit() } }
        #expect(try await TestDatabase.eventually { try await sql("SELECT count(*) FROM cases WHERE state = 'dispatched'") == "4" })

        // A login that does not exist: 67, naming it.
        let typo = try await civicq("case", "list", "--as", "water_wagn")
        #expect(typo.status == 67)
        #expect(typo.stderr == "civicq: there is no login water_wagn: --as names a civicq user (civicq users list)\n")
        // A subcommand typo: 64 and the nearest command, not "Unknown option '--as'".
        let acept = try await civicq("case", "acept", "3", "--as", "x")
        #expect(acept.status == 64)
        #expect(acept.stderr == "civicq: 'acept' is not a command of civicq case; did you mean 'accept'? (civicq case --help lists them)\n")
        // Another department's inbox: not permitted, not "no cases".
        let foreign = try await civicq("case", "list", "--department", "urban", as: "water_wang")
        #expect(foreign.status == 77 && foreign.stderr == "civicq: the inbox of urban is not yours to read\n")
        #expect(try await civicq("case", "list", "--department", "water", as: "desk_li").status == 0)
        // A blank reply is refused like an empty one, by the CLI and by the database.
        #expect(try await civicq("case", "accept", "1", as: "water_wang").status == 0)
        let blank = try await civicq("case", "resolve", "1", "--reply", " \u{3000} ", as: "water_wang")
        #expect(blank.status == 64 && blank.stderr.contains("--reply is blank"))
        let blankInSQL = try await TestDatabase.asAdmin { connection in
            try connection.execute("SET search_path TO \(identifier: environment["CIVICQ_SCHEMA"]!)")
            try connection.execute("SET ROLE water_wang")
            do {
                _ = try connection.query("SELECT case_resolve(1, E' \\n\\t　')")
                return "resolved"
            } catch let error as PostgresError {
                return error.sqlState?.rawValue ?? ""
            }
        }
        #expect(blankInSQL == "CQ400")
        #expect(try await sql("SELECT state FROM cases WHERE id = 1") == "accepted")
        // One's own finished case: the wrong state, named (73), not "not with your department".
        #expect(try await civicq("case", "resolve", "1", "--reply", "已疏通", as: "water_wang").status == 0)
        let again = try await civicq("case", "accept", "1", as: "water_wang")
        #expect(again.status == 73)
        #expect(again.stderr == "civicq: case 1 is resolved: your department's task on it is finished\n")
        // The same refusals in Chinese: the installation's language when the locale names
        // none (the example city's is zh-CN), or --lang.
        let againInChinese = try await civicq("case", "accept", "1", as: "water_wang", lang: "C")
        #expect(againInChinese.status == 73)
        #expect(againInChinese.stderr == "civicq: 案件 1 处于 resolved（已办结）状态：本部门对它的任务已完成\n")
        let handlerInChinese = try await civicq("case", "submit", "--category", "020103", "--area", "420102001", "--title", "x",
                                                "--description", "y", "--lang", "zh-CN", as: "water_wang")
        #expect(handlerInChinese.status == 77 && handlerInChinese.stderr == "civicq: 承办人不可以受理诉求\n", "\(handlerInChinese.stderr)")
        let missing = try await civicq("case", "accept", lang: "zh_CN.UTF-8")
        #expect(missing.status == 64 && missing.stderr.hasPrefix("错误：缺少参数 '<id>'\n帮助：<id>  案件编号。\n用法："), "\(missing.stderr)")
        // --reason of a refusal is documented, with an example.
        let help = try await civicq("extensions", "refuse", "--help")
        #expect(help.stdout.contains("--reason is required") && help.stdout.contains("civicq extensions refuse 7 --reason"))

        // A cut list says so; --page turns it.
        let cut = try await civicq("case", "list", "--limit", "2", as: "water_wang")
        #expect(cut.stdout.hasSuffix("2 of 3 — more with --limit N or --page 2\n"), "\(cut.stdout)")
        let second = try await civicq("case", "list", "--limit", "2", "--page", "2", as: "water_wang")
        #expect(second.stdout.contains("下水道堵塞 4") && !second.stdout.contains("下水道堵塞 2"), "\(second.stdout)")
        // An overdue case names the clock and since when, in the reporting zone.
        try await TestDatabase.asAdmin { connection in
            try connection.execute("SET search_path TO \(identifier: environment["CIVICQ_SCHEMA"]!)")
            try connection.execute("UPDATE cases SET response_due = '2026-12-01 18:00+08', response_overdue = true WHERE id = 2")
        }
        let overdue = try await civicq("case", "list", "--overdue", as: "water_wang", tz: "America/New_York")
        #expect(overdue.stdout.contains("respond: overdue since 2026-12-01 18:00 +08:00"), "\(overdue.stdout)")
        #expect(!overdue.stdout.contains("下水道堵塞 3"))
        // History details are JSON objects.
        let history = try await civicq("case", "history", "1", "--json", as: "water_wang")
        let events = try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(events.first { $0["kind"] as? String == "dispatched" }?["details"] is [String: Any])

        // The same commands on a machine in UTC and one in New York: the same stored
        // deadline (the end of the day in Asia/Shanghai) and the same printed times.
        #expect(try await civicq("case", "accept", "2", as: "water_wang").status == 0)
        let day = Self.day(daysFromNow: 60)
        var printed: [String] = []
        for (tz, request) in [("UTC", 1), ("America/New_York", 2)] {
            let asked = try await civicq("case", "extend", "2", "--until", day, "--reason", "需要施工", as: "water_wang", tz: tz)
            #expect(asked.stdout == "extension request \(request) for case 2 until \(day) 24:00 +08:00 waits for the hotline office\n",
                    "\(asked.stderr)")
            let shown = try await civicq("case", "show", "2", as: "water_wang", tz: tz)
            printed.append(shown.stdout.split(separator: "\n").filter { $0.hasPrefix("received") || $0.hasPrefix("respond by") }.joined())
            let listed = try await civicq("extensions", "list", as: "desk_li", tz: tz)
            #expect(listed.stdout.contains("\(day) 24:00 +08:00"))
            #expect(try await civicq("extensions", "refuse", String(request), "--reason", "不批", as: "desk_li").status == 0)
        }
        #expect(printed[0] == printed[1] && printed[0].contains("+08:00"))
        // Decided requests are listed with --all only.
        #expect(try await civicq("extensions", "list", as: "desk_li").stdout.hasPrefix("no extension requests wait for a decision"))
        let all = try await civicq("extensions", "list", "--all", as: "desk_li")
        #expect(all.stdout.components(separatedBy: " refused ").count - 1 == 2, "\(all.stdout)")
        let stored = try await sql("SELECT string_agg(to_char(until AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), ' ' ORDER BY id) FROM extensions")
        let expected = "\(day) 16:00"
        #expect(stored == "\(expected) \(expected)")
        // The language: the example city's (zh-CN) under a C locale, English with --lang en or
        // LANG=en_US; codes, states and exit codes the same in both, names beside codes.
        var plain = environment
        plain["LANG"] = "C.UTF-8"
        let chinese1 = try await Self.civicq(["case", "show", "2"], environment: plain, as: "water_wang")
        #expect(chinese1.stdout.contains("状态         accepted") && chinese1.stdout.contains("类别         020103 下水道堵塞"), "\(chinese1.stdout)")
        #expect(chinese1.stdout.contains("区域         420102001 "))
        let english1 = try await Self.civicq(["case", "show", "2", "--lang", "en"], environment: plain, as: "water_wang")
        #expect(english1.stdout.contains("state        accepted") && english1.stdout.contains("category     020103 下水道堵塞"))
        let accepted = try await Self.civicq(["case", "accept", "3"], environment: plain, as: "water_wang")
        #expect(accepted.stdout == "案件 3 已签收，状态 accepted\n", "\(accepted.stderr)")
        let listZH = try await Self.civicq(["case", "list", "--limit", "1"], environment: plain, as: "water_wang")
        #expect(listZH.stdout.hasPrefix("编号  状态") && listZH.stdout.contains("用 --limit N 或 --page 2 查看更多"), "\(listZH.stdout)")
        let refusedZH = try await Self.civicq(["case", "accept", "1"], environment: plain, as: "water_wang")
        #expect(refusedZH.status == 73)
        #expect(try await Self.civicq(["case", "list", "--lang", "fr"], environment: plain, as: "water_wang").status == 64)
        // A day typed the Chinese way is the same day.
        let parts = day.split(separator: "-")
        let chinese = "\(parts[0])年\(Int(parts[1])!)月\(Int(parts[2])!)日"
        let typed = try await civicq("case", "extend", "2", "--until", chinese, "--reason", "x", as: "water_wang", tz: "America/New_York")
        #expect(typed.stdout.contains("until \(day) 24:00 +08:00"), "\(typed.stderr)")
    }
}
