import Postgres
import TestSupport
import Testing

@Suite("Session settings from the configuration (PostgreSQL)")
struct SessionSettingsTests {
    /// A pool whose sessions start with `startupOptions` (libpq's `options`) and then get `jit`.
    private func client(jit: Bool?, startupOptions: String? = nil) throws -> PostgresClient {
        var configuration = try TestDatabase.configuration(startupOptions: startupOptions)
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

    @Test("jit: nil leaves the session's setting as it started; jit: true turns it on and compiles where the server can")
    func jitLeftOrOn() async throws {
        // Sessions that start with jit off, so that neither outcome is the server's default.
        let left = try client(jit: nil, startupOptions: "-c jit=off")
        let (leftSetting, leftCompiled) = try await left.withConnection { connection in
            (try connection.query("SELECT current_setting('jit')").scalar(String.self), try TestDatabase.compilesPlans(on: connection))
        }
        await left.close()
        #expect(leftSetting == "off")
        #expect(leftCompiled == false)
        let on = try client(jit: true, startupOptions: "-c jit=off")
        let (onSetting, compiled, available) = try await on.withConnection { connection in
            (try connection.query("SELECT current_setting('jit')").scalar(String.self), try TestDatabase.compilesPlans(on: connection),
             try connection.query("SELECT pg_jit_available()").scalar(Bool.self))
        }
        await on.close()
        #expect(onSetting == "on")
        // A server built without LLVM (or without its JIT package) never compiles.
        #expect(compiled == available)
    }
}
