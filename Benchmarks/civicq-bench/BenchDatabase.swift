import Casework
import CivicSchema
import Foundation
import Logging
import Postgres

/// A schema of its own for one benchmark run (with civicq's migrations when asked), dropped
/// afterwards, also when the run fails. Connects with DATABASE_URL or the PG* variables.
struct BenchDatabase {
    let logger: Logger
    let connection: PostgresConfiguration
    let admin: PostgresClient
    let schema: String

    static func with<R>(prefix: String, migrated: Bool, _ body: (BenchDatabase) async throws -> R) async throws -> R {
        var logger = Logger(label: "civicq-bench")
        logger.logLevel = .warning
        // The bench's own sessions run as civicq's do (jit off); its SQL names the schema.
        let connection = try PostgresConfiguration.fromEnvironment(options: CaseworkStore.sessionOptions(schema: nil))
        let admin = PostgresClient(configuration: .init(connection: connection, size: 2), logger: logger)
        let database = BenchDatabase(
            logger: logger, connection: connection, admin: admin, schema: "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())")
        do {
            if migrated {
                _ = try await CivicSchema.migrator(schema: database.schema).migrate(using: admin, logger: logger)
            } else {
                try await admin.withConnection { [schema = database.schema] in try $0.executeScript("CREATE SCHEMA \(schema)") }
            }
            let result = try await body(database)
            try await database.drop()
            return result
        } catch {
            try? await database.drop()
            throw error
        }
    }

    private func drop() async throws {
        try await admin.withConnection { [schema] connection in
            try connection.executeScript("DROP SCHEMA IF EXISTS \(schema) CASCADE")
            for role in CivicSchema.roles(schema: schema) {
                // What a role still holds outside the schema (a grant on the database) goes with it.
                if try connection.query("SELECT 1 FROM pg_roles WHERE rolname = \(role)").count > 0 {
                    try connection.execute("DROP OWNED BY \(identifier: role)")
                }
                try connection.execute("DROP ROLE IF EXISTS \(identifier: role)")
            }
        }
        await admin.close()
    }

    /// Server version, fsync and synchronous_commit, for the report's heading.
    func settings() async throws -> (String, String, String) {
        try await admin.withConnection { connection in
            try connection.query("SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit')")[0]
                .decode((String, String, String).self)
        }
    }
}
