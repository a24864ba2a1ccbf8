import Foundation
import Postgres
import TestSupport
import Testing

@Suite("Migrations (PostgreSQL)")
struct MigratorTests {
    private static let migrations = [
        PostgresMigration(version: 1, name: "first", sql: "CREATE TABLE log (note text); INSERT INTO log VALUES ('one');"),
        PostgresMigration(version: 2, name: "second", sql: "INSERT INTO log VALUES ('two'); SELECT pg_sleep(0.2);"),
    ]

    @Test("migrations apply once, in order, into their schema; a second run changes nothing")
    func applyOnce() async throws {
        try await TestDatabase.withSchema { client, _ async throws in
            let target = TestDatabase.uniqueName("m")
            let migrator = try PostgresMigrator(schema: target, migrations: Self.migrations.reversed())
            #expect(try await migrator.status(using: client).map(\.state) == [.pending, .pending])
            #expect(try await migrator.migrate(using: client, logger: TestDatabase.logger).map(\.version) == [1, 2])
            #expect(try await migrator.migrate(using: client, logger: TestDatabase.logger).isEmpty)
            let status = try await migrator.status(using: client)
            #expect(status.map(\.state) == [.applied, .applied])
            #expect(status.allSatisfy { $0.appliedAt != nil })
            let notes = try await client.withConnection { connection in
                try connection.query("SELECT note FROM \(identifier: target).log ORDER BY note").map { try $0.decode(String.self, at: 0) }
            }
            #expect(notes == ["one", "two"])
            try await client.withConnection { try $0.executeScript("DROP SCHEMA \(target) CASCADE") }
        }
    }

    @Test("two processes migrating at once apply each migration exactly once")
    func concurrentRuns() async throws {
        let target = TestDatabase.uniqueName("m")
        let migrator = try PostgresMigrator(schema: target, migrations: Self.migrations)
        let clients = try (0..<3).map { _ in
            PostgresClient(configuration: .init(connection: try TestDatabase.configuration(), size: 1), logger: TestDatabase.logger)
        }
        let applied = try await withThrowingTaskGroup(of: Int.self) { group in
            for client in clients { group.addTask { try await migrator.migrate(using: client, logger: TestDatabase.logger).count } }
            return try await group.reduce(0, +)
        }
        #expect(applied == 2)
        let notes = try await clients[0].withConnection { connection in
            try connection.query("SELECT count(*) FROM \(identifier: target).log").scalar(Int.self)
        }
        #expect(notes == 2)
        try await clients[0].withConnection { try $0.executeScript("DROP SCHEMA \(target) CASCADE") }
        for client in clients { await client.close() }
    }

    @Test("a failing migration is rolled back; earlier ones stay; a changed one stops the run")
    func failureAndChange() async throws {
        try await TestDatabase.withSchema { client, _ async throws in
            let target = TestDatabase.uniqueName("m")
            let broken = try PostgresMigrator(schema: target, migrations: [
                Self.migrations[0],
                PostgresMigration(version: 2, name: "broken", sql: "INSERT INTO log VALUES ('half'); SELEKT;"),
            ])
            let error = await #expect(throws: PostgresError.self) { try await broken.migrate(using: client, logger: TestDatabase.logger) }
            #expect(error?.sqlState == .syntaxError)
            #expect(try await broken.status(using: client).map(\.state) == [.applied, .pending])
            let rows = try await client.withConnection { try $0.query("SELECT count(*) FROM \(identifier: target).log").scalar(Int.self) }
            #expect(rows == 1)

            let edited = try PostgresMigrator(schema: target, migrations: [
                PostgresMigration(version: 1, name: "first", sql: "CREATE TABLE log (note text);"),
            ])
            #expect(try await edited.status(using: client).map(\.state) == [.changed])
            let refusal = await #expect(throws: PostgresError.self) { try await edited.migrate(using: client, logger: TestDatabase.logger) }
            #expect(refusal?.code == .invalidConfiguration)
            try await client.withConnection { try $0.executeScript("DROP SCHEMA \(target) CASCADE") }
        }
    }

    @Test("two migrations with one number are refused")
    func duplicateNumbers() {
        #expect(throws: PostgresError.self) {
            try PostgresMigrator(schema: "x", migrations: [Self.migrations[0], Self.migrations[0]])
        }
    }

    @Test("a migration that leaves a definer function without search_path = schema, pg_temp is refused")
    func definerRule() async throws {
        try await TestDatabase.withSchema { client, _ async throws in
            let target = TestDatabase.uniqueName("m")
            let unsafe = try PostgresMigrator(schema: target, migrations: [
                Self.migrations[0],
                PostgresMigration(version: 2, name: "unsafe", sql: """
                    CREATE FUNCTION notes() RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = public AS 'SELECT 1::bigint';
                    """),
            ])
            let error = await #expect(throws: PostgresError.self) { try await unsafe.migrate(using: client, logger: TestDatabase.logger) }
            #expect(error?.code == .invalidConfiguration)
            #expect(error?.reason.contains("notes()") == true)
            #expect(try await unsafe.status(using: client).map(\.state) == [.applied, .pending])
            // Written as the migrations are meant to be: the migrator's own path, pg_temp last.
            let safe = try PostgresMigrator(schema: target, migrations: [
                Self.migrations[0],
                PostgresMigration(version: 2, name: "safe", sql: """
                    CREATE FUNCTION notes() RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path FROM CURRENT AS 'SELECT count(*) FROM log';
                    """),
            ])
            #expect(try await safe.migrate(using: client, logger: TestDatabase.logger).map(\.version) == [2])
            let config = try await client.withConnection { connection in
                try connection.query("SELECT array_to_string(proconfig, ';') FROM pg_proc WHERE oid = \(target + ".notes")::regproc").scalar(String.self)
            }
            #expect(config == "search_path=\"\(target)\", pg_temp")
            try await client.withConnection { try $0.executeScript("DROP SCHEMA \(target) CASCADE") }
        }
    }

    @Test("with an owner role: it cannot log in, it owns the schema and all in it, an older schema is handed to it")
    func ownerRole() async throws {
        try await TestDatabase.withSchema { client, _ async throws in
            let target = TestDatabase.uniqueName("m")
            let owner = target + "_owner"
            // An installation from before the owner role: everything belongs to the admin login.
            let plain = try PostgresMigrator(schema: target, migrations: [Self.migrations[0]])
            _ = try await plain.migrate(using: client, logger: TestDatabase.logger)
            let owned = try PostgresMigrator(schema: target, migrations: Self.migrations + [
                PostgresMigration(version: 3, name: "third", sql: "CREATE TABLE later (x int); CREATE TYPE mood AS ENUM ('ok');"),
            ], owner: owner, groupRoles: [target + "_group"])
            #expect(try await owned.migrate(using: client, logger: TestDatabase.logger).map(\.version) == [2, 3])
            let facts = try await client.withConnection { connection in
                try connection.query(
                    """
                    SELECT (SELECT rolcanlogin FROM pg_roles WHERE rolname = \(owner)),
                           (SELECT rolcanlogin FROM pg_roles WHERE rolname = \(target + "_group")),
                           (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = \(target)),
                           (SELECT array_agg(DISTINCT relowner::regrole::text) FROM pg_class WHERE relnamespace = \(target)::regnamespace),
                           (SELECT array_agg(DISTINCT typowner::regrole::text) FROM pg_type WHERE typnamespace = \(target)::regnamespace)
                    """).first.map { try $0.decode((Bool, Bool, String, [String], [String]).self) }
            }
            #expect(facts?.0 == false)
            #expect(facts?.1 == false)
            #expect(facts?.2 == owner)
            #expect(facts?.3 == [owner])
            #expect(facts?.4 == [owner])
            try await client.withConnection { connection in
                try connection.executeScript("DROP SCHEMA \(target) CASCADE; DROP ROLE \(owner); DROP ROLE \(target)_group")
            }
        }
    }
}
