import Foundation
import Postgres
import TestSupport
import Testing

/// libpq's multi-host connection strings, as a deployment with a standby writes them: a host
/// that refuses first, the live one second, `target_session_attrs=read-write`. The pool (which
/// every civicq process connects through) finds the live primary in both forms.
@Suite("Multi-host connection strings (PostgreSQL)")
struct MultiHostTests {
    @Test func aDeadFirstHostIsPassedOverForTheWritableOne() async throws {
        let live = try TestDatabase.configuration()
        let environment = ProcessInfo.processInfo.environment
        let host = live.parameters["host"] ?? environment["PGHOST"] ?? "127.0.0.1"
        let port = live.parameters["port"] ?? environment["PGPORT"] ?? "5432"
        let user = live.parameters["user"] ?? environment["PGUSER"] ?? "postgres"
        let database = live.parameters["dbname"] ?? environment["PGDATABASE"] ?? user
        // Port 1 on 127.0.0.1 refuses at once: the first host is down.
        var forms = ["host=127.0.0.1,\(host) port=1,\(port) dbname=\(database) user=\(user) target_session_attrs=read-write"]
        if !host.hasPrefix("/") {
            forms.append("postgresql://\(user)@127.0.0.1:1,\(host):\(port)/\(database)?target_session_attrs=read-write")
        }
        // The port the test server listens on, asked of it directly.
        let livePort = try await TestDatabase.withSchema(size: 1) { client, _ in
            try await client.withConnection { try $0.query("SELECT current_setting('port')").scalar(String.self) ?? "" }
        }
        for conninfo in forms {
            let configuration = try PostgresConfiguration(conninfo: conninfo, options: .init(connectTimeoutSeconds: 5))
            let client = PostgresClient(configuration: .init(connection: configuration, size: 2), logger: TestDatabase.logger)
            let (port, readOnly) = try await client.withConnection { connection in
                try connection.query("SELECT current_setting('port'), pg_is_in_recovery()").first!.decode((String, Bool).self)
            }
            await client.close()
            #expect(port == livePort, "\(conninfo)")
            #expect(!readOnly)
        }
    }
}
