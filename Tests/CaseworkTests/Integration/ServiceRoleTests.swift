import Casework
import CivicSchema
import Foundation
import JobQueue
import Postgres
import TestSupport
import Testing

/// Owner, service and people are different roles: the owner cannot log in, the service login
/// that serve and workers use holds row grants only, and doctor warns of the rest.
@Suite("Roles: owner, service, people")
struct ServiceRoleTests {
    @Test func aServiceLoginRunsTheHotlineButCannotAlterOrEraseAnything() async throws {
        try await CaseworkFixture.run(worker: false) { fixture in
            let schema = fixture.schema
            let service = TestDatabase.uniqueName("svc")
            try await fixture.client.withConnection { try fixture.store.addServiceLogin(service, on: $0) }
            defer { Task { try? await TestDatabase.asAdmin { try $0.execute("DROP ROLE IF EXISTS \(identifier: service)") } } }
            let client = PostgresClient(
                configuration: .init(connection: try TestDatabase.configuration(schema: schema, user: service), size: 4),
                logger: TestDatabase.logger)
            defer { Task { await client.close() } }

            // Intake, routing and the clocks, the figures rollup: all as the service.
            let worker = fixture.worker(client: client, concurrency: 4)
            let running = Task { try await worker.run() }
            let id = try await client.withConnection { try fixture.store.submit(CaseworkFixture.complaint(), on: $0).id }
            try await fixture.waitFor(id, .dispatched)
            let handler = try await fixture.person(.handler, of: "water")
            _ = try await fixture.as(handler) { try $1.accept(id, on: $0) }
            _ = try await fixture.as(handler) { try $1.resolve(id, reply: "已处理", on: $0) }
            let rolled = try await client.withConnection { try fixture.store.rollUpFigures(on: $0) }
            #expect(rolled >= 1)
            worker.shutdownGracefully()
            try await running.value
            #expect(try await fixture.eventKinds(of: id) == ["received", "dispatched", "accepted", "resolved"])

            // What only an owner could do, refused with insufficient_privilege (42501).
            let refused = [
                "ALTER TABLE case_events DISABLE TRIGGER USER",
                "ALTER TABLE case_events DISABLE TRIGGER case_events_no_update",
                "TRUNCATE case_events",
                "DROP TABLE case_events",
                "DELETE FROM case_events WHERE case_id = \(id)",
                "UPDATE case_events SET reason = 'rewritten' WHERE case_id = \(id)",
                // The history's partitions (migration 026): an id or a sealing position of its
                // own choosing, a partition by name, archiving.
                "INSERT INTO case_events (id, case_id, actor, kind) VALUES (1, \(id), 'svc', 'note')",
                "INSERT INTO case_events (case_id, actor, kind, seal_xid) VALUES (\(id), 'svc', 'note', '1')",
                "SELECT count(*) FROM case_events_default",
                "DELETE FROM case_events_default",
                "ALTER TABLE case_events DETACH PARTITION case_events_default",
                "SELECT history_detach('2020-01-01')",
                "SELECT history_partition_make('2030-01-01')",
                "ALTER TABLE cases NO FORCE ROW LEVEL SECURITY",
                "DROP POLICY staff_read ON cases",
                "CREATE TABLE planted (x int)",
                "CREATE OR REPLACE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$",
                "SET ROLE \(CivicSchema.ownerRole(schema: schema))",
                "GRANT \(CivicSchema.ownerRole(schema: schema)) TO \(service)",
            ]
            for statement in refused {
                do {
                    try await client.withConnection { try $0.executeScript(statement) }
                    Issue.record("the service login could: \(statement)")
                } catch let error as PostgresError {
                    #expect(error.sqlState?.rawValue == "42501", "\(statement): \(error.sqlState?.rawValue ?? "?")")
                }
            }
            #expect(try await fixture.eventKinds(of: id) == ["received", "dispatched", "accepted", "resolved"])
        }
    }

    @Test func theOwnerCannotLogInAndOwnsEverything() async throws {
        try await TestDatabase.withMigratedSchema { client, schema in
            let owner = CivicSchema.ownerRole(schema: schema)
            let facts = try await client.withConnection { connection in
                try connection.query(
                    """
                    SELECT (SELECT rolcanlogin OR rolsuper OR rolcreaterole OR rolbypassrls FROM pg_roles WHERE rolname = \(owner)),
                           (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = \(schema)),
                           (SELECT array_agg(DISTINCT relowner::regrole::text) FROM pg_class WHERE relnamespace = \(schema)::regnamespace),
                           (SELECT array_agg(DISTINCT proowner::regrole::text) FROM pg_proc WHERE pronamespace = \(schema)::regnamespace)
                    """).first!.decode((Bool, String, [String], [String]).self)
            }
            #expect(facts.0 == false)
            #expect(facts.1 == owner)
            #expect(facts.2 == [owner])
            #expect(facts.3 == [owner])
            let login = PostgresClient(
                configuration: .init(connection: try TestDatabase.configuration(schema: schema, user: owner), size: 1),
                logger: TestDatabase.logger)
            await #expect(throws: PostgresError.self) { try await login.withConnection { try $0.executeScript("SELECT 1") } }
            await login.close()
        }
    }

    @Test func serviceLoginsAreNeitherPeopleNorPowerful() async throws {
        try await CaseworkFixture.run(worker: false) { fixture in
            let handler = try await fixture.person(.handler, of: "water")
            for login in [handler, "postgres", "Bad-Name"] {
                await #expect(throws: CaseworkError.self, "\(login)") {
                    try await fixture.client.withConnection { try fixture.store.addServiceLogin(login, on: $0) }
                }
            }
        }
    }

    @Test func doctorWarnsOfSuperusersOwnersAndPublicTemporaryTables() async throws {
        try await CaseworkFixture.run(worker: false) { fixture in
            let store = fixture.store
            let service = TestDatabase.uniqueName("svc")
            let admin = TestDatabase.uniqueName("adm")
            try await fixture.client.withConnection { connection in
                try store.addServiceLogin(service, on: connection)
                try connection.execute("CREATE ROLE \(identifier: admin) LOGIN")
                try connection.execute("GRANT \(identifier: CivicSchema.ownerRole(schema: fixture.schema)) TO \(identifier: admin)")
            }
            defer {
                Task { try? await TestDatabase.asAdmin { for role in [service, admin] { try $0.execute("DROP ROLE IF EXISTS \(identifier: role)") } } }
            }
            let asSuperuser = try await fixture.client.withConnection { try store.trustWarnings(on: $0).map(\.kind) }
            #expect(asSuperuser.contains(.superuser))
            let asOwner = try await fixture.as(admin) { try $1.trustWarnings(on: $0).map(\.kind) }
            #expect(asOwner.contains(.owner) && !asOwner.contains(.superuser))
            let asService = try await fixture.as(service) { try $1.trustWarnings(on: $0) }
            #expect(!asService.map(\.kind).contains(.owner) && !asService.map(\.kind).contains(.superuser))
            // PUBLIC's TEMPORARY: warned while it holds, not once revoked (in a transaction
            // rolled back: the other tests' logins still need it).
            let warnedBefore = asService.contains { $0.kind == .publicTemporary && $0.remedy.contains("REVOKE TEMPORARY ON DATABASE") }
            #expect(warnedBefore)
            let after = try await fixture.client.withConnection { connection in
                try connection.executeScript("BEGIN")
                defer { _ = try? connection.executeScript("ROLLBACK") }
                try connection.executeScript("REVOKE TEMPORARY ON DATABASE \(PostgresQuery.quoteIdentifier(try connection.query("SELECT current_database()::text").scalar(String.self)!)) FROM PUBLIC")
                return try store.trustWarnings(on: connection).map(\.kind)
            }
            #expect(!after.contains(.publicTemporary))
        }
    }

    @Test func theDatabaseRefusesTitlesWithLineBreaksWhateverThePath() async throws {
        try await CaseworkFixture.run(worker: false) { fixture in
            for title in ["路灯\n不亮", "路灯\r不亮", "路灯\t不亮"] {
                do {
                    _ = try await fixture.submit(CaseworkFixture.complaint(title: title))
                    Issue.record("a title with a control character was stored")
                } catch let error as PostgresError {
                    #expect(error.sqlState?.rawValue == "23514")
                } catch let error as CaseworkError {
                    #expect(error.code == .badInput)
                }
            }
            let id = try await fixture.submit(CaseworkFixture.complaint(title: "路灯不亮", description: "第一行\n第二行"))
            #expect(id > 0)
        }
    }
}
