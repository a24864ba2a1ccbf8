import Foundation
import Logging
import Postgres
import Testing

/// The database integration tests run against: `CIVICQ_TEST_DATABASE_URL`, else `DATABASE_URL`
/// (scripts/test starts a private server and sets it). Each test works in a schema of its own.
enum TestDatabase {
    static var conninfo: String {
        get throws {
            let environment = ProcessInfo.processInfo.environment
            guard let url = environment["CIVICQ_TEST_DATABASE_URL"] ?? environment["DATABASE_URL"], !url.isEmpty else {
                throw TestSetupError(message: "no test database: run scripts/test, or set CIVICQ_TEST_DATABASE_URL or DATABASE_URL")
            }
            return url
        }
    }

    static func configuration(
        schema: String? = nil,
        applicationName: String? = nil,
        statementTimeout: Duration? = nil
    ) throws -> PostgresConfiguration {
        var conninfo = try self.conninfo
        if let applicationName {
            conninfo += (conninfo.contains("://") ? (conninfo.contains("?") ? "&" : "?") + "application_name=" : " application_name=") + applicationName
        }
        let options = PostgresConfiguration.Options(
            statementTimeout: statementTimeout,
            searchPath: schema.map { [$0] },
            fallbackApplicationName: "civicq-tests"
        )
        return try PostgresConfiguration(conninfo: conninfo, options: options)
    }

    static let logger = Logger(label: "civicq.tests") { _ in SwiftLogNoOpLogHandler() }

    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Makes a fresh schema, runs `body` with a pool whose search_path is that schema, then
    /// closes the pool and drops the schema.
    static func withSchema<R>(
        size: Int = 2,
        statementTimeout: Duration? = nil,
        logger: Logger = TestDatabase.logger,
        _ body: (PostgresClient, String) async throws -> R
    ) async throws -> R {
        let schema = uniqueName("t")
        let admin = PostgresClient(configuration: .init(connection: try configuration()), logger: logger)
        defer { Task { await admin.close() } }
        try await admin.withConnection { try $0.executeScript("CREATE SCHEMA \(schema)") }
        let client = PostgresClient(
            configuration: .init(connection: try configuration(schema: schema, statementTimeout: statementTimeout), size: size),
            logger: logger
        )
        do {
            let result = try await body(client, schema)
            await client.close()
            try await admin.withConnection { try $0.executeScript("DROP SCHEMA \(schema) CASCADE") }
            return result
        } catch {
            await client.close()
            _ = try? await admin.withConnection { try $0.executeScript("DROP SCHEMA \(schema) CASCADE") }
            throw error
        }
    }

    /// Terminates a backend from a separate connection, as an operator would.
    static func terminate(backend pid: Int32) async throws {
        let admin = PostgresClient(configuration: .init(connection: try configuration(), size: 1), logger: logger)
        let killed = try await admin.withConnection { try $0.query("SELECT pg_terminate_backend(\(pid))").scalar(Bool.self) }
        await admin.close()
        #expect(killed == true)
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
