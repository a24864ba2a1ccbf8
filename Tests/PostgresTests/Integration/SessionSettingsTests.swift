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

    @Test("jit: false turns JIT compilation off in every session the pool opens, also after a reconnect")
    func jitOff() async throws {
        let client = try client(jit: false)
        let (setting, compiled, pid) = try await client.withConnection { connection in
            (try connection.query("SELECT current_setting('jit')").scalar(String.self),
             try TestDatabase.compilesPlans(on: connection), connection.backendPID)
        }
        #expect(setting == "off")
        #expect(compiled == false)
        // The server ends the session; the pool's next connection is set up the same way.
        try await TestDatabase.terminate(backend: pid)
        #expect(try await TestDatabase.waitUntilGone(backend: pid))
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
            (try connection.query("SELECT current_setting('jit')").scalar(String.self), try TestDatabase.compilesPlans(on: connection))
        }
        await on.close()
        #expect(onSetting == "on")
        // A server built without LLVM (or without its JIT package) never compiles.
        #expect(compiled == available)
    }
}
