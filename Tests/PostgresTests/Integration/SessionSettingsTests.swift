import Postgres
import TestSupport
import Testing

@Suite("Session settings from the configuration (PostgreSQL)")
struct SessionSettingsTests {
    private func client(jit: Bool?) throws -> PostgresClient {
        var configuration = try TestDatabase.configuration()
        configuration.options.jit = jit
        return PostgresClient(configuration: .init(connection: configuration, size: 1), logger: TestDatabase.logger)
    }

    /// Whether the server compiled `sql`'s plan: EXPLAIN ANALYZE names a JIT section then.
    /// `jit_above_cost = 0` makes every plan costly enough, so only `jit` decides.
    private func compiles(_ connection: PostgresConnection) throws -> Bool {
        try connection.execute("SET jit_above_cost = 0")
        let plan = try connection.query("EXPLAIN (ANALYZE, FORMAT TEXT) SELECT sum(g) FROM generate_series(1, 1000) g")
            .map { try $0.decode(String.self) }
        return plan.contains { $0.hasPrefix("JIT:") }
    }

    @Test("jit: false turns JIT compilation off in every session the pool opens, also after a reconnect")
    func jitOff() async throws {
        let client = try client(jit: false)
        let (setting, compiled, pid) = try await client.withConnection { connection in
            (try connection.query("SELECT current_setting('jit')").scalar(String.self), try compiles(connection), connection.backendPID)
        }
        #expect(setting == "off")
        #expect(compiled == false)
        // The server ends the session; the pool's next connection is set up the same way.
        let admin = try self.client(jit: nil)
        try await admin.withConnection { _ = try $0.query("SELECT pg_terminate_backend(\(Int(pid))::integer)") }
        await admin.close()
        var again: (String?, Int32)?
        for _ in 0..<3 where again == nil {
            again = try? await client.withConnection {
                (try $0.query("SELECT current_setting('jit')").scalar(String.self), $0.backendPID)
            }
        }
        #expect(again?.0 == "off")
        #expect(again?.1 != pid)
        await client.close()
    }

    @Test("jit: nil leaves the server's setting; jit: true compiles where the server can")
    func jitServerDefault() async throws {
        let client = try client(jit: nil)
        let (setting, serverSetting, available) = try await client.withConnection { connection in
            try connection.query(
                "SELECT current_setting('jit'), (SELECT reset_val FROM pg_settings WHERE name = 'jit'), pg_jit_available()"
            )[0].decode((String, String, Bool).self)
        }
        await client.close()
        #expect(setting == serverSetting)
        let on = try self.client(jit: true)
        let (onSetting, compiled) = try await on.withConnection { connection in
            (try connection.query("SELECT current_setting('jit')").scalar(String.self), try compiles(connection))
        }
        await on.close()
        #expect(onSetting == "on")
        // A server built without LLVM (or without its JIT package) never compiles.
        #expect(compiled == available)
    }
}
