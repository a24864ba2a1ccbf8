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
            try await global.withClient { client, logger in
                if status {
                    let statuses = try await migrator.status(using: client)
                    let zone = await global.reportingTimeZone(client)
                    print(json ? MigrationReport.json(statuses, schema: migrator.schema)
                        : MigrationReport.table(statuses, schema: migrator.schema, timeZone: zone))
                    if statuses.contains(where: { $0.state == .changed }) { throw ExitCode(CommandFailure.Code.configuration.rawValue) }
                } else {
                    let applied = try await migrator.migrate(using: client, logger: logger)
                    if json {
                        print(MigrationReport.json(applied: applied, schema: migrator.schema))
                    } else if applied.isEmpty {
                        print("schema \(migrator.schema) is up to date (\(migrator.migrations.count) migrations)")
                    } else {
                        for migration in applied { print("applied \(MigrationReport.label(migration.version, migration.name))") }
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

    static func table(_ statuses: [PostgresMigrationStatus], schema: String, timeZone: TimeZone) -> String {
        var lines = ["schema \(schema)"]
        for status in statuses {
            let when = status.appliedAt.map { " " + Presentation.local($0, in: timeZone) } ?? ""
            lines.append("  \(status.state.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(label(status.version, status.name))\(when)")
        }
        let pending = statuses.filter { $0.state == .pending }.count
        lines.append(pending == 0 ? "up to date" : "\(pending) pending")
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
