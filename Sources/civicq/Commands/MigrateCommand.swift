import Casework
import ArgumentParser
import CivicSchema
import Foundation
import Postgres

/// `civicq migrate`: applies pending schema migrations, or lists them with `--status`.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending schema migrations (each in one transaction, under an advisory lock).",
        discussion: "Running it again changes nothing. With --status, lists applied and pending migrations and changes nothing."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "List applied and pending migrations; apply nothing.")
    var status = false

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        try await CommandFailure.guarding {
            let migrator = try CivicSchema.migrator(schema: global.schemaName)
            // Reads its audience itself: after migrating, when the settings may exist for the first time.
            try await global.withClient(readsLanguage: false) { client, logger in
                if status {
                    let statuses = try await migrator.status(using: client)
                    let audience = try await global.audience(client)
                    print(json ? MigrationReport.json(statuses, schema: migrator.schema)
                        : MigrationReport.table(statuses, schema: migrator.schema, for: audience))
                    if statuses.contains(where: { $0.state == .changed }) { throw ExitCode(CommandFailure.Code.configuration.rawValue) }
                } else {
                    let applied = try await migrator.migrate(using: client, logger: logger)
                    let say = try await global.audience(client).say
                    if json {
                        print(MigrationReport.json(applied: applied, schema: migrator.schema))
                    } else if applied.isEmpty {
                        print(say("schema \(migrator.schema) is up to date (\(migrator.migrations.count) migrations)",
                                  "模式 \(migrator.schema) 已是最新（\(migrator.migrations.count) 个迁移）"))
                    } else {
                        for migration in applied {
                            let label = MigrationReport.label(migration.version, migration.name)
                            print(say("applied \(label)", "已执行 \(label)"))
                        }
                    }
                }
            }
        }
    }
}

/// Text and JSON renderings of migration results.
enum MigrationReport {
    static func label(_ version: Int, _ name: String) -> String {
        String(format: "%03d_%@", version, name)
    }

    static func table(_ statuses: [PostgresMigrationStatus], schema: String, for audience: Audience) -> String {
        var lines = [audience.say("schema \(schema)", "模式 \(schema)")]
        let states = ["applied": "已执行", "pending": "待执行", "changed": "已改动"]
        for status in statuses {
            let when = status.appliedAt.map { " " + audience.time($0) } ?? ""
            let state = audience.language == .zhCN ? states[status.state.rawValue] ?? status.state.rawValue : status.state.rawValue
            lines.append("  \(state.padding(toLength: 8 - (TextTable.width(state) - state.count), withPad: " ", startingAt: 0)) \(label(status.version, status.name))\(when)")
        }
        let pending = statuses.filter { $0.state == .pending }.count
        lines.append(pending == 0 ? audience.say("up to date", "已是最新") : audience.say("\(pending) pending", "\(pending) 个待执行"))
        return lines.joined(separator: "\n")
    }

    static func json(_ statuses: [PostgresMigrationStatus], schema: String) -> String {
        let items = statuses.map { status -> [String: Any] in
            var item: [String: Any] = ["version": status.version, "name": status.name, "state": status.state.rawValue]
            if let at = status.appliedAt { item["applied_at"] = at.formatted(.iso8601) }
            return item
        }
        return encode(["schema": schema, "migrations": items])
    }

    static func json(applied: [PostgresMigration], schema: String) -> String {
        encode(["schema": schema, "applied": applied.map { ["version": $0.version, "name": $0.name] as [String: Any] }])
    }

    private static func encode(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
