import Foundation
import Postgres
import TestSupport
import Testing

/// Serialized: the example departments create the same logins (desk_li, water_wang, …) in every schema.
@Suite("civicq for people: import, users, case commands, exit codes (PostgreSQL)", .serialized)
struct CaseCommandTests {
    static var examples: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("deploy/examples").path
    }

    @Test func aHandlersDayFromTheCommandLine() async throws {
        let schema = TestDatabase.uniqueName("cli")
        let url = try TestDatabase.conninfo
        let water = TestDatabase.uniqueName("wang")
        let power = TestDatabase.uniqueName("li")
        let environment = ["DATABASE_URL": url, "CIVICQ_SCHEMA": schema]
        do {
            try await story(schema: schema, environment: environment, water: water, power: power)
        } catch {
            try? await Self.cleanup(schema, logins: [water, power])
            throw error
        }
        try await Self.cleanup(schema, logins: [water, power])
    }

    /// Drops the schema and the logins the test and the example departments made.
    static func cleanup(_ schema: String, logins: [String] = []) async throws {
        try await TestDatabase.asAdmin { connection in
            try connection.executeScript("DROP SCHEMA IF EXISTS \(schema) CASCADE")
            for role in logins + ["desk_li", "callback_zhao", "water_wang", "water_chen", "urban_liu", "\(schema)_staff"] {
                try connection.execute("DROP ROLE IF EXISTS \(identifier: role)")
            }
        }
    }

    /// Runs `body` with the environment of a schema of its own (`prefix` and a unique
    /// suffix), then drops the schema and the example city's logins, also when it fails.
    static func inOwnSchema(_ prefix: String, _ body: (_ schema: String, _ environment: [String: String]) async throws -> Void) async throws {
        let schema = TestDatabase.uniqueName(prefix)
        let environment = ["DATABASE_URL": try TestDatabase.conninfo, "CIVICQ_SCHEMA": schema]
        do {
            try await body(schema, environment)
        } catch {
            try? await cleanup(schema)
            throw error
        }
        try await cleanup(schema)
    }

    /// `civicq migrate`, then the example city's departments, categories, calendar and rules.
    static func migrateWithTheExampleCity(environment: [String: String]) async throws {
        #expect(try await civicq(["migrate"], environment: environment).status == 0)
        for file in ["departments", "categories", "calendar", "routes"] {
            #expect(try await civicq([file, "import", "\(examples)/\(file).yaml"], environment: environment).status == 0)
        }
    }

    /// Runs `civicq` with `environment`, as `login` when one is given.
    static func civicq(
        _ arguments: [String], environment: [String: String], as login: String? = nil, input: String? = nil
    ) async throws -> CivicQProcess.Outcome {
        var extra = environment
        if let login { extra["DATABASE_URL"] = try TestDatabase.conninfo(user: login) }
        return try await CivicQProcess.run(arguments, environment: extra, input: input)
    }

    /// The login's stored password (its verifier), as the superuser sees it.
    private func password(of login: String) async throws -> String {
        try await TestDatabase.asAdmin {
            try $0.query("SELECT coalesce(rolpassword, '') FROM pg_authid WHERE rolname = \(login)").scalar(String.self) ?? ""
        }
    }

    private func story(schema: String, environment: [String: String], water: String, power: String) async throws {
        func civicq(_ arguments: String..., as login: String? = nil, input: String? = nil) async throws -> CivicQProcess.Outcome {
            try await Self.civicq(arguments, environment: environment, as: login, input: input)
        }
        #expect(try await civicq("migrate").status == 0)
        let imported = try await civicq("departments", "import", "\(Self.examples)/departments.yaml")
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try await civicq("categories", "import", "\(Self.examples)/categories.yaml").status == 0)
        #expect(try await civicq("calendar", "import", "\(Self.examples)/calendar.yaml").status == 0)
        let routes = try await civicq("routes", "import", "\(Self.examples)/routes.yaml")
        #expect(routes.stdout.contains("imported as version 1"))
        #expect(try await civicq("users", "add", water, "--department", "water", "--role", "handler").status == 0)
        // A password from standard input; only libpq's SCRAM verifier reaches the server.
        let added = try await civicq("users", "add", power, "--department", "power", "--role", "handler", "--password", input: "李的密码 1\n")
        #expect(added.status == 0 && added.stdout.contains("with a password"), "\(added.stderr)")
        let verifier = try await password(of: power)
        #expect(verifier.hasPrefix("SCRAM-SHA-256$4096:"))
        // The person changes their own; an empty one is refused and changes nothing.
        #expect(try await civicq("users", "password", as: power, input: "another\n").stdout.contains("the password of \(power) is set"))
        let changed = try await password(of: power)
        #expect(changed != verifier && changed.hasPrefix("SCRAM-SHA-256$"))
        #expect(try await civicq("users", "password", power, input: "\n").status == 64)
        #expect(try await civicq("users", "password", TestDatabase.uniqueName("nobody"), input: "x\n").status == 66)
        #expect(try await password(of: power) == changed)
        #expect(try await civicq("users", "add", "x", "--department", "water", "--role", "mayor").status == 64)
        #expect(try await civicq("users", "add", TestDatabase.uniqueName("n"), "--department", "nowhere", "--role", "handler").status == 66)

        let explained = try await civicq("route", "test", "--category", "020103", "--area", "420102001", "--text", "楼道里有煤气味")
        #expect(explained.stdout.contains("→ lead gas"))
        #expect(explained.stdout.contains("rule gas-leak matched"))
        // The dispatch model: no finished case to learn from yet; it says how many it needs and
        // changes nothing (CaseCommandTests+Dispatch has the rest).
        let learn = try await civicq("route", "learn", "--evaluate")
        #expect(learn.status == 64 && learn.stderr.contains("0 finished cases in the last 365 days is too few: at least 1250"), "\(learn.stderr)")
        #expect(try await civicq("route", "learn", "--days", "0").status == 64)

        let submitted = try await civicq("case", "submit", "--category", "020103", "--area", "420102001", "--title", "下水道堵塞",
                                   "--description", "污水漫到路上", "--name", "张三", "--phone", "13812345678", "--external-id", "x1")
        #expect(submitted.stdout.contains("case 1 received"), "\(submitted.stderr)")
        let again = try await civicq("case", "submit", "--category", "020103", "--area", "420102001", "--title", "下水道堵塞",
                               "--description", "污水漫到路上", "--external-id", "x1")
        #expect(again.stdout.contains("already received as case 1"))

        let worker = try CivicQProcess.launch(["worker", "--poll-ms", "50"], environment: environment)
        defer { if worker.isRunning { kill(worker.processIdentifier, SIGTERM); worker.waitUntilExit() } }
        let routed = try await TestDatabase.eventually {
            try await civicq("case", "list", "--json", as: water).stdout.contains("\"state\":\"dispatched\"")
        }
        #expect(routed)

        let inbox = try await civicq("case", "list", as: water)
        #expect(inbox.stdout.contains("respond: due in"))
        #expect(inbox.stdout.contains("下水道堵塞"))
        #expect(try await civicq("case", "list", as: power).stdout == "no cases\n")
        let shown = try await civicq("case", "show", "1", as: water)
        #expect(shown.stdout.contains("张* 138****5678 (masked)"))

        let foreign = try await civicq("case", "accept", "1", as: power)
        #expect(foreign.status == 77)
        #expect(foreign.stderr == "civicq: case 1 is not with your department\n")
        let early = try await civicq("case", "resolve", "1", "--reply", "好了", as: water)
        #expect(early.status == 73)
        #expect(try await civicq("case", "show", "42", as: water).status == 66)
        #expect(try await civicq("case", "accept", "abc", as: water).status == 64)
        let stranger = try await civicq("case", "list", as: "postgres_nobody_\(UUID().uuidString.prefix(4).lowercased())")
        #expect(stranger.status != 0)

        #expect(try await civicq("case", "accept", "1", as: water).stdout == "case 1 accepted; it is accepted\n")
        #expect(try await civicq("case", "note", "1", "已联系市民", "--public", as: water).status == 0)
        #expect(try await civicq("case", "resolve", "1", "--reply", "已疏通", as: water).status == 0)
        // An admin acts for a person with --as.
        let history = try await civicq("case", "history", "1", "--json", "--as", water)
        let events = try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(events.compactMap { $0["kind"] as? String } == ["received", "dispatched", "accepted", "note", "resolved"])
        let exported = try await civicq("departments", "export")
        #expect(exported.stdout.contains("code: desk"))
        #expect(exported.stdout.contains(water))
    }
}
