import Foundation
public import Logging

/// Applies numbered SQL migrations to one schema of a database.
///
/// - Each migration runs in its own transaction with `search_path` set to the schema, so its
///   unqualified names land there; it is recorded in `<schema>.schema_migrations` with an
///   MD5 checksum of its script in the same transaction.
/// - The whole run holds a session advisory lock derived from the schema name, so processes
///   that start at once apply each migration exactly once; the others wait, then find nothing to do.
/// - A migration whose script changed after it was applied stops the run.
///
/// Value type; its methods take a ``PostgresClient`` and may be called from any task.
public struct PostgresMigrator: Sendable {
    /// The schema that receives the migrations and the bookkeeping table.
    public let schema: String
    /// The migrations, in any order; they are applied by ascending version.
    public let migrations: [PostgresMigration]

    public init(schema: String, migrations: [PostgresMigration]) throws {
        var seen = Set<Int>()
        for migration in migrations where !seen.insert(migration.version).inserted {
            throw PostgresError.invalidConfiguration("two migrations have the number \(migration.version)")
        }
        guard !schema.isEmpty else { throw PostgresError.invalidConfiguration("the schema name is empty") }
        self.schema = schema
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Applies what is pending and returns what it applied (empty when up to date).
    /// - Throws: the failing migration's error (it is rolled back; earlier ones stay), or
    ///   ``PostgresError`` (`invalidConfiguration`) if an applied script was changed.
    public func migrate(using client: PostgresClient, logger: Logger) async throws -> [PostgresMigration] {
        let schema = self.schema
        let migrations = self.migrations
        return try await client.withConnection { connection in
            try connection.withAdvisoryLock("postgres-migrator:" + schema) {
                try Self.ensureBookkeeping(schema: schema, on: connection)
                let statuses = try Self.statuses(schema: schema, migrations: migrations, on: connection)
                if let changed = statuses.first(where: { $0.state == .changed }) {
                    throw PostgresError.invalidConfiguration(
                        "migration \(changed.version) (\(changed.name)) was changed after it was applied; restore it and add a new migration instead")
                }
                let pending = Set(statuses.filter { $0.state == .pending }.map(\.version))
                var applied: [PostgresMigration] = []
                for migration in migrations where pending.contains(migration.version) {
                    try connection.transaction { connection in
                        try connection.query("SELECT set_config('search_path', \(PostgresQuery.quoteIdentifier(schema)), true)")
                        try connection.executeScript(migration.sql)
                        try connection.execute(
                            """
                            INSERT INTO \(identifier: schema).schema_migrations (version, name, checksum)
                            VALUES (\(migration.version), \(migration.name), md5(\(migration.sql)))
                            """)
                    }
                    applied.append(migration)
                }
                return applied
            }
        }.map { migration in
            logger.info("applied migration", metadata: ["migration.version": "\(migration.version)", "migration.name": "\(migration.name)"])
            return migration
        }
    }

    /// Lists every migration known here or applied there, by version.
    public func status(using client: PostgresClient) async throws -> [PostgresMigrationStatus] {
        let schema = self.schema
        let migrations = self.migrations
        return try await client.withConnection { connection in
            let exists = try connection.query("SELECT to_regclass(\(PostgresQuery.quoteIdentifier(schema) + ".schema_migrations")) IS NOT NULL")
                .scalar(Bool.self) ?? false
            guard exists else {
                return migrations.map { .init(version: $0.version, name: $0.name, state: .pending, appliedAt: nil) }
            }
            return try Self.statuses(schema: schema, migrations: migrations, on: connection)
        }
    }

    private static func ensureBookkeeping(schema: String, on connection: PostgresConnection) throws {
        let quoted = PostgresQuery.quoteIdentifier(schema)
        try connection.executeScript(
            """
            CREATE SCHEMA IF NOT EXISTS \(quoted);
            CREATE TABLE IF NOT EXISTS \(quoted).schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            """)
    }

    private static func statuses(
        schema: String, migrations: [PostgresMigration], on connection: PostgresConnection
    ) throws -> [PostgresMigrationStatus] {
        let rows = try connection.query(
            "SELECT version, name, checksum, applied_at FROM \(identifier: schema).schema_migrations ORDER BY version")
        var applied: [Int: (name: String, checksum: String, at: Date)] = [:]
        for row in rows {
            let (version, name, checksum, at) = try row.decode((Int, String, String, Date).self)
            applied[version] = (name, checksum, at)
        }
        let checksums = try connection.query(
            "SELECT md5(script) FROM unnest(\(migrations.map(\.sql))) WITH ORDINALITY AS s(script, n) ORDER BY n")
            .map { try $0.decode(String.self, at: 0) }
        var result: [PostgresMigrationStatus] = []
        for (migration, checksum) in zip(migrations, checksums) {
            if let record = applied.removeValue(forKey: migration.version) {
                let state: PostgresMigrationStatus.State = record.checksum == checksum ? .applied : .changed
                result.append(.init(version: migration.version, name: migration.name, state: state, appliedAt: record.at))
            } else {
                result.append(.init(version: migration.version, name: migration.name, state: .pending, appliedAt: nil))
            }
        }
        for (version, record) in applied {
            result.append(.init(version: version, name: record.name, state: .unknown, appliedAt: record.at))
        }
        return result.sorted { $0.version < $1.version }
    }
}
