import Foundation
public import Logging

/// Applies numbered SQL migrations to one schema of a database.
///
/// - Each migration runs in its own transaction with `search_path` set to `<schema>, pg_temp`,
///   so its unqualified names land in the schema and a function created with
///   `SET search_path FROM CURRENT` searches the session's temporary schema last, never first.
///   It is recorded in `<schema>.schema_migrations` with an MD5 checksum of its script in the
///   same transaction.
/// - With an ``owner``, the schema and everything in it belong to that role, which cannot log
///   in: the administrator who runs the migrations must be able to assume it (a superuser, or
///   a member: the migrator grants the role to a CREATEROLE administrator that creates it),
///   and every migration runs under `SET LOCAL ROLE owner`. Objects that another role owns
///   (an installation from before the owner role) are handed to it first.
/// - The definer rule: after each migration, every SECURITY DEFINER function of the schema
///   must set `search_path = <schema>, pg_temp`. A migration that leaves one without it is
///   rolled back with an error that names the function (see ``unsafeDefinerFunctions(schema:on:)``).
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
    /// The role (NOLOGIN) that owns the schema and runs the migrations; `nil`: the login that
    /// runs them owns what they create.
    public let owner: String?
    /// Group roles (NOLOGIN) made before the first migration when missing, since the owner may
    /// not create roles itself.
    public let groupRoles: [String]

    public init(schema: String, migrations: [PostgresMigration], owner: String? = nil, groupRoles: [String] = []) throws {
        var seen = Set<Int>()
        for migration in migrations where !seen.insert(migration.version).inserted {
            throw PostgresError.invalidConfiguration("two migrations have the number \(migration.version)")
        }
        guard !schema.isEmpty else { throw PostgresError.invalidConfiguration("the schema name is empty") }
        guard owner?.isEmpty != true else { throw PostgresError.invalidConfiguration("the owner role's name is empty") }
        self.schema = schema
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.owner = owner
        self.groupRoles = groupRoles
    }

    /// Applies what is pending and returns what it applied (empty when up to date).
    /// - Throws: the failing migration's error (it is rolled back; earlier ones stay), or
    ///   ``PostgresError`` (`invalidConfiguration`) if an applied script was changed or a
    ///   migration leaves a definer function without the safe `search_path`.
    public func migrate(using client: PostgresClient, logger: Logger) async throws -> [PostgresMigration] {
        let migrator = self
        return try await client.withConnection { connection in
            try connection.withAdvisoryLock("postgres-migrator:" + migrator.schema) {
                try connection.transaction { try migrator.prepare(on: $0) }
                let statuses = try Self.statuses(schema: migrator.schema, migrations: migrator.migrations, on: connection)
                if let changed = statuses.first(where: { $0.state == .changed }) {
                    throw PostgresError.invalidConfiguration(
                        "migration \(changed.version) (\(changed.name)) was changed after it was applied; restore it and add a new migration instead")
                }
                let pending = Set(statuses.filter { $0.state == .pending }.map(\.version))
                var applied: [PostgresMigration] = []
                for migration in migrator.migrations where pending.contains(migration.version) {
                    try connection.transaction { try migrator.apply(migration, on: $0) }
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

    /// The SECURITY DEFINER functions of `schema` (as `name(argument types)`) whose
    /// `search_path` is not exactly `<schema>, pg_temp`: PostgreSQL searches the caller's
    /// temporary schema first for tables and types unless `pg_temp` is named, and last.
    public static func unsafeDefinerFunctions(schema: String, on connection: PostgresConnection) throws -> [String] {
        try connection.query(
            """
            SELECT p.oid::regprocedure::text FROM pg_proc p
            WHERE p.pronamespace = to_regnamespace(\(PostgresQuery.quoteIdentifier(schema))) AND p.prosecdef
              AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) AS c(setting)
                              WHERE replace(replace(c.setting, '"', ''), ' ', '') = 'search_path=' || \(schema) || ',pg_temp')
            ORDER BY 1
            """
        ).map { try $0.decode(String.self, at: 0) }
    }

    private func apply(_ migration: PostgresMigration, on connection: PostgresConnection) throws {
        if let owner {
            try connection.execute("SET LOCAL ROLE \(identifier: owner)")
        }
        try connection.query("SELECT set_config('search_path', \(PostgresQuery.quoteIdentifier(schema) + ", pg_temp"), true)")
        try connection.executeScript(migration.sql)
        let unsafe = try Self.unsafeDefinerFunctions(schema: schema, on: connection)
        guard unsafe.isEmpty else {
            throw PostgresError.invalidConfiguration(
                "migration \(migration.version) (\(migration.name)) leaves SECURITY DEFINER functions without search_path = \(schema), pg_temp: "
                    + unsafe.joined(separator: ", ") + "; give each SET search_path = \(schema), pg_temp (or SET search_path FROM CURRENT)")
        }
        try connection.execute(
            """
            INSERT INTO \(identifier: schema).schema_migrations (version, name, checksum)
            VALUES (\(migration.version), \(migration.name), md5(\(migration.sql)))
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
