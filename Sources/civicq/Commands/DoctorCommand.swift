import ArgumentParser
import Casework
import CivicSchema
import Postgres

/// `civicq doctor`: checks that the database is reachable and the schema is current.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the database connection and whether the schema is up to date.",
        discussion: """
            Exits 0 when all is well, 69 when the database cannot be reached, 78 when migrations are
            pending or changed. Warns (exit 0) when connected as a superuser or as a login that may
            act as the schema's owner, and when PUBLIC may create temporary tables, with the fix.
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await CommandFailure.guarding {
            let migrator = try CivicSchema.migrator(schema: global.schemaName)
            let configuration = try global.connectionConfiguration()
            let say = Spoken.say
            print(say("database   ", "数据库     ") + configuration.summary)
            try await global.withClient { client, _ in
                let (version, user) = try await client.withConnection { connection in
                    try connection.query("SELECT current_setting('server_version'), current_user").first!.decode((String, String).self)
                }
                print(say("server     PostgreSQL \(version), connected as \(user)", "服务器     PostgreSQL \(version)，连接身份 \(user)"))
                let statuses = try await migrator.status(using: client)
                let pending = statuses.filter { $0.state == .pending }.count
                let changed = statuses.filter { $0.state == .changed }.count
                let applied = statuses.count - pending
                print(say("schema     \(migrator.schema): \(applied) applied, \(pending) pending, \(changed) changed",
                          "模式       \(migrator.schema)：已执行 \(applied)，待执行 \(pending)，已改动 \(changed)"))
                if pending > 0 || changed > 0 {
                    print(say("run `civicq migrate` to bring the schema up to date", "请运行 `civicq migrate` 使模式更新到最新"))
                    throw ExitCode(CommandFailure.Code.configuration.rawValue)
                }
                let warnings = try await client.withConnection { try CaseworkStore(schema: migrator.schema).trustWarnings(on: $0) }
                for warning in warnings {
                    print(say("warning    ", "警告       ") + Refusals.say(warning.message, in: Spoken.current))
                    print(say("           fix: ", "           修正：") + warning.remedy)
                }
                print(say("ok", "正常"))
            }
        }
    }
}
