import CivicSchema
import Foundation
import Postgres
import TestSupport
import Testing

@Suite("civicq migrate and doctor (PostgreSQL)")
struct MigrateCommandTests {
    private func dropSchema(_ schema: String) async throws {
        let client = PostgresClient(configuration: .init(connection: try TestDatabase.configuration()), logger: TestDatabase.logger)
        try await client.withConnection { try $0.executeScript("DROP SCHEMA IF EXISTS \(schema) CASCADE") }
        await client.close()
    }

    @Test("migrate applies every bundled migration once; status and doctor report it")
    func migrateTwiceAndReport() async throws {
        let schema = "cli_\(UUID().uuidString.prefix(8).lowercased())"
        let url = try TestDatabase.conninfo
        let count = try CivicSchema.migrations().count
        #expect(count >= 1)

        let doctorBefore = try await CivicQProcess.run(["doctor", "--schema", schema, "--database-url", url])
        #expect(doctorBefore.status == 78)
        #expect(doctorBefore.stdout.contains("\(count) pending"))

        let first = try await CivicQProcess.run(["migrate", "--schema", schema, "--database-url", url])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("applied 001_foundation"))

        let second = try await CivicQProcess.run(["migrate", "--schema", schema], environment: ["DATABASE_URL": url])
        #expect(second.status == 0)
        #expect(second.stdout.contains("up to date"))

        let status = try await CivicQProcess.run(["migrate", "--status", "--json"], environment: ["DATABASE_URL": url, "CIVICQ_SCHEMA": schema])
        #expect(status.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let migrations = object?["migrations"] as? [[String: Any]] ?? []
        #expect(object?["schema"] as? String == schema)
        #expect(migrations.count == count)
        #expect(migrations.allSatisfy { $0["state"] as? String == "applied" })

        let doctor = try await CivicQProcess.run(["doctor", "--schema", schema, "--database-url", url])
        #expect(doctor.status == 0)
        #expect(doctor.stdout.contains("ok"))
        try await dropSchema(schema)
    }

    @Test("a bad connection string exits 78 and never prints the password")
    func badConnectionString() async throws {
        let outcome = try await CivicQProcess.run(["migrate", "--database-url", "postgresql://alice:TopSecret42@host:99999/db"])
        #expect(outcome.status == 78)
        #expect(outcome.stderr.contains("port"))
        #expect(!outcome.stderr.contains("TopSecret42"))
        #expect(!outcome.stdout.contains("TopSecret42"))
    }

    @Test("an unreachable server exits 69 with a plain sentence")
    func unreachable() async throws {
        let outcome = try await CivicQProcess.run(["doctor", "--database-url", "postgresql://alice:TopSecret42@127.0.0.1:1/db?connect_timeout=2"])
        #expect(outcome.status == 69)
        #expect(outcome.stderr.hasPrefix("civicq: cannot connect to alice@127.0.0.1:1/db"))
        #expect(!outcome.stderr.contains("TopSecret42"))
    }

    @Test("usage errors exit 64")
    func usage() async throws {
        #expect(try await CivicQProcess.run(["migrate", "--log-level", "loud"]).status == 64)
        #expect(try await CivicQProcess.run(["no-such-command"]).status == 64)
    }
}
