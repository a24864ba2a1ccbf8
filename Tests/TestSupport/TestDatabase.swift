import Foundation
public import Logging
public import Postgres
import CivicSchema
import Testing

/// The database integration tests run against: `CIVICQ_TEST_DATABASE_URL`, else `DATABASE_URL`
/// (scripts/test starts a private server and sets it). Each test works in a schema of its own.
public enum TestDatabase {
    public static var conninfo: String {
        get throws {
            let environment = ProcessInfo.processInfo.environment
            guard let url = environment["CIVICQ_TEST_DATABASE_URL"] ?? environment["DATABASE_URL"], !url.isEmpty else {
                throw TestSetupError(message: "no test database: run scripts/test, or set CIVICQ_TEST_DATABASE_URL or DATABASE_URL")
            }
            return url
        }
    }

    /// The test database's connection string for another login (the test server authenticates
    /// local logins by trust or .pgpass, as its pg_hba.conf says).
    public static func conninfo(user: String) throws -> String {
        let conninfo = try self.conninfo
        guard conninfo.contains("://") else { return conninfo + " user=\(user)" }
        guard var components = URLComponents(string: conninfo) else {
            throw TestSetupError(message: "the test database URL cannot be parsed")
        }
        components.user = user
        components.password = nil
        guard let text = components.string else { throw TestSetupError(message: "the test database URL cannot be rebuilt") }
        return text
    }

    /// `startupOptions`: libpq's `options`, settings the server applies as the session starts
    /// (`-c jit=off`), before anything the configuration's own options set after connecting.
    public static func configuration(
        schema: String? = nil,
        applicationName: String? = nil,
        startupOptions: String? = nil,
        statementTimeout: Duration? = nil,
        user: String? = nil
    ) throws -> PostgresConfiguration {
        var conninfo = try user.map(self.conninfo(user:)) ?? self.conninfo
        if let applicationName { conninfo = adding("application_name", applicationName, to: conninfo) }
        if let startupOptions { conninfo = adding("options", startupOptions, to: conninfo) }
        let options = PostgresConfiguration.Options(
            statementTimeout: statementTimeout,
            searchPath: schema.map { [$0] },
            fallbackApplicationName: "civicq-tests"
        )
        return try PostgresConfiguration(conninfo: conninfo, options: options)
    }

    /// The test database's configuration with another host and port (a proxy in front of it).
    public static func configuration(host: String, port: UInt16) throws -> PostgresConfiguration {
        let conninfo = adding("port", String(port), to: adding("host", host, to: try self.conninfo))
        return try PostgresConfiguration(conninfo: conninfo, options: .init(fallbackApplicationName: "civicq-tests"))
    }

    /// `conninfo` with one more keyword: a query parameter of a URI (percent-encoded), or a
    /// quoted `key='value'` of a keyword string; it overrides what the string said before.
    static func adding(_ key: String, _ value: String, to conninfo: String) -> String {
        guard conninfo.contains("://") else {
            let quoted = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
            return conninfo + " \(key)='\(quoted)'"
        }
        let encoded = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
        return conninfo + (conninfo.contains("?") ? "&" : "?") + key + "=" + encoded
    }

    public static let logger = Logger(label: "civicq.tests") { _ in SwiftLogNoOpLogHandler() }

    public static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Makes a fresh schema, runs `body` with a pool whose search_path is that schema, then
    /// closes the pool and drops the schema.
    public static func withSchema<R>(
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
            try await admin.withConnection { try dropSchema(schema, on: $0) }
            return result
        } catch {
            await client.close()
            _ = try? await admin.withConnection { try dropSchema(schema, on: $0) }
            throw error
        }
    }

    /// Drops a test schema and the roles civicq's migrator made for it (owner, staff, service).
    public static func dropSchema(_ schema: String, on connection: PostgresConnection) throws {
        try connection.executeScript("DROP SCHEMA \(schema) CASCADE")
        for role in CivicSchema.roles(schema: schema) {
            try connection.execute("DROP ROLE IF EXISTS \(identifier: role)")
        }
    }

    /// Runs `body` on a connection of its own as the test database's (superuser) login, for
    /// setup and cleanup outside a test's schema: roles, other schemas, `pg_authid`.
    public static func asAdmin<R: Sendable>(_ body: @Sendable (PostgresConnection) throws -> R) async throws -> R {
        let admin = PostgresClient(configuration: .init(connection: try configuration(), size: 1), logger: logger)
        do {
            let result = try await admin.withConnection(body)
            await admin.close()
            return result
        } catch {
            await admin.close()
            throw error
        }
    }

    /// Terminates a backend from a separate connection, as an operator would.
    public static func terminate(backend pid: Int32) async throws {
        let killed = try await asAdmin { try $0.query("SELECT pg_terminate_backend(\(pid))").scalar(Bool.self) }
        #expect(killed == true)
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

extension TestDatabase {
    /// Like ``withSchema(size:statementTimeout:logger:_:)``, with civicq's migrations applied
    /// to the schema first.
    public static func withMigratedSchema<R>(
        size: Int = 6,
        logger: Logger = TestDatabase.logger,
        _ body: (PostgresClient, String) async throws -> R
    ) async throws -> R {
        try await withSchema(size: size, logger: logger) { client, schema in
            let migrator = try CivicSchema.migrator(schema: schema)
            _ = try await migrator.migrate(using: client, logger: logger)
            return try await body(client, schema)
        }
    }

    /// Waits until `count` backends (or more) run `statement` (exactly that text, active), as seen from a
    /// connection of its own: the signal that a statement to cancel or kill is under way.
    public static func waitUntilActive(_ statement: String, count: Int = 1, within timeout: Duration = .seconds(60)) async throws -> Bool {
        let admin = PostgresClient(configuration: .init(connection: try configuration(), size: 1), logger: logger)
        defer { Task { await admin.close() } }
        return try await eventually(within: timeout) {
            try await admin.withConnection { connection in
                try connection.query("SELECT count(*) FROM pg_stat_activity WHERE query = \(statement) AND state = 'active'").scalar(Int.self)
            } ?? 0 >= count
        }
    }

    /// Waits until backend `pid` has exited (after ``terminate(backend:)``).
    public static func waitUntilGone(backend pid: Int32, within timeout: Duration = .seconds(60)) async throws -> Bool {
        try await eventually(within: timeout) {
            try await asAdmin { try $0.query("SELECT count(*) FROM pg_stat_activity WHERE pid = \(pid)").scalar(Int.self) } == 0
        }
    }

    /// Whether the server JIT-compiles plans in this session: EXPLAIN ANALYZE prints a `JIT:`
    /// section when it did. `jit_above_cost = 0` (for the session) makes every plan costly
    /// enough, so only the `jit` setting decides.
    public static func compilesPlans(on connection: PostgresConnection) throws -> Bool {
        try connection.execute("SET jit_above_cost = 0")
        let plan = try connection.query("EXPLAIN (ANALYZE) SELECT sum(g) FROM generate_series(1, 1000) g").map { try $0.decode(String.self) }
        return plan.contains { $0.hasPrefix("JIT:") }
    }

    /// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
    /// The default is generous: the whole suite runs at once on two cores, and a wait on a
    /// condition only costs its length when the condition never comes.
    public static func eventually(
        within timeout: Duration = .seconds(60), _ condition: () async throws -> Bool
    ) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }
}
