import ArgumentParser
import Casework
import Foundation
import Postgres

/// `civicq users add|remove|list`: people are PostgreSQL logins bound to a department.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Add, remove and list the people who work cases.",
        discussion: """
            Each person is a PostgreSQL login, created if missing. Give it a password with
            --password or `users password`, or use certificates or peer authentication as
            pg_hba.conf says. Run these as an admin login that may create roles.
            """,
        subcommands: [Add.self, Service.self, Password.self, Remove.self, List.self]
    )

    struct Service: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make LOGIN the service login that civicq serve, worker and import connect as.",
            discussion: """
                The login (created if missing) joins the group role <schema>_service: it reads and
                writes rows and cannot ALTER, DISABLE TRIGGER, TRUNCATE or DROP anything, nor change
                the event log. A person's login, a superuser or a member of the owner role is refused.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The PostgreSQL login.") var login: String
        @Flag(help: "Set the login's password: asked on the terminal, or the first line of standard input.") var password = false

        func run() async throws {
            try await CommandFailure.guarding {
                let secret = password ? try PasswordPrompt.newPassword(for: login) : nil
                try await global.withStore { [login] connection, store in
                    try connection.transaction { connection in
                        try store.addServiceLogin(login, on: connection)
                        if let secret { try connection.setPassword(secret, for: login) }
                    }
                }
                print(Spoken.say("\(login) is a service login of \(global.schemaName)", "\(login) 是 \(global.schemaName) 的服务登录")
                      + (secret == nil ? "" : Spoken.say(", with a password", "，已设置密码")))
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make LOGIN a civicq user of one department with one role.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The PostgreSQL login.") var login: String
        @Option(help: "The department code.") var department: String
        @Option(help: "handler, supervisor, dispatcher, callback or admin.") var role: String
        @Option(help: "The person's name, for the records.") var name: String?
        @Flag(help: "Set the login's password: asked on the terminal, or the first line of standard input.") var password = false

        func validate() throws {
            guard let role = StaffRole(rawValue: role), StaffRole.people.contains(role) else {
                throw ValidationError("--role must be one of \(StaffRole.people.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func run() async throws {
            try await CommandFailure.guarding {
                let role = StaffRole(rawValue: role)!
                let secret = password ? try PasswordPrompt.newPassword(for: login) : nil
                try await global.withStore { [login, department, name] connection, store in
                    try connection.transaction { connection in
                        try store.addUser(login: login, department: department, role: role, name: name, on: connection)
                        if let secret { try connection.setPassword(secret, for: login) }
                    }
                }
                print(Spoken.say("\(login) is a \(role.rawValue) of \(department)", "\(login) 是 \(department) 的\(Refusals.words[role.rawValue] ?? role.rawValue)")
                      + (secret == nil ? "" : Spoken.say(", with a password", "，已设置密码")))
            }
        }
    }

    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the password of LOGIN, or your own without LOGIN.",
            discussion: """
                Asked twice on the terminal, or read from the first line of standard input. Only a
                SCRAM verifier made by libpq reaches the server. Setting another login's password
                needs an admin login that may create roles.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The PostgreSQL login (default: the one you connect as).") var login: String?

        func run() async throws {
            try await CommandFailure.guarding {
                // Whose: LOGIN, which must exist, or the login connected. Asked before the prompt.
                let target = try await global.withClient { [login] client, _ in
                    try await client.withConnection { connection in
                        let name = try connection.query("SELECT rolname::text FROM pg_roles WHERE rolname = coalesce(\(login), current_user)")
                            .scalar(String.self)
                        guard let name else { throw CaseworkError(.notFound, "there is no login \(login ?? "")") }
                        return name
                    }
                }
                let secret = try PasswordPrompt.newPassword(for: target)
                try await global.withClient { client, _ in
                    try await client.withConnection { try $0.setPassword(secret, for: target) }
                }
                print(Spoken.say("the password of \(target) is set", "\(target) 的密码已设置"))
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take LOGIN out of civicq (the login itself stays).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The PostgreSQL login.") var login: String

        func run() async throws {
            try await CommandFailure.guarding {
                try await global.withStore { [login] in try $1.removeUser(login: login, on: $0) }
                print(Spoken.say("\(login) removed", "\(login) 已移出"))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The active people, by department.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        struct Person: Codable { let login: String; let department: String; let role: String; let name: String? }

        func run() async throws {
            try await CommandFailure.guarding {
                let people = try await global.withStore { connection, _ in
                    try connection.query("SELECT login, department_code, role, display_name FROM handlers WHERE active ORDER BY department_code, login")
                        .map { row in
                            let (login, department, role, name) = try row.decode((String, String, String, String?).self)
                            return Person(login: login, department: department, role: role, name: name)
                        }
                }
                if json { print(JSONOutput.render(people)); return }
                var table = TextTable(header: Spoken.current == .zhCN ? ["登录名", "部门", "角色", "姓名"] : ["login", "department", "role", "name"])
                for person in people { table.add([person.login, person.department, person.role, person.name ?? ""]) }
                print(people.isEmpty ? Spoken.say("no users", "没有用户") : table.render())
            }
        }
    }
}

/// `civicq escalations`: overdue clocks (督办) for supervisors and the office.
struct EscalationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escalations", abstract: "Deadlines missed (督办), newest first: your department's, or all for the office.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var casework: CaseworkOptions
    @Option(help: "How far back, in days.") var days = 7
    @Option(help: "Only this department (default: yours, if you belong to one).") var department: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await CommandFailure.guarding {
            let since = Date().addingTimeInterval(-Double(days) * 86_400)
            let (list, audience) = try await casework.read(global) { [department] connection, store, _ in
                let actor = try store.actor(on: connection)
                let mine = [StaffRole.handler, .supervisor].contains(actor.role) ? actor.department : nil
                return try store.escalations(since: since, department: department ?? mine, on: connection)
            }
            if json { print(JSONOutput.render(list)); return }
            let zh = audience.language == .zhCN
            var table = TextTable(header: zh ? ["案件", "督办时间", "时限", "原期限", "部门", "状态", "标题"]
                                             : ["case", "escalated", "clock", "was due", "department", "state", "title"])
            let clocks = ["response": "签收", "resolution": "办结"]
            for item in list {
                table.add([String(item.case_id), audience.time(item.at), zh ? clocks[item.clock] ?? item.clock : item.clock,
                           item.due.map(audience.deadline) ?? "", item.department ?? audience.say("desk", "派单台"), item.state.rawValue, item.title])
            }
            print(list.isEmpty ? audience.say("no escalations in the last \(days) days", "最近 \(days) 天没有督办") : table.render())
        }
    }
}
