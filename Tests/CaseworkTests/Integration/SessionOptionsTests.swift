import Casework
import Postgres
import TestSupport
import Testing

/// The settings every civicq session gets (its commands, server and workers, and the benches'
/// connections that stand for them).
@Suite("civicq's session settings")
struct SessionOptionsTests {
    @Test("civicq's sessions find the schema first on the search path and never compile a plan")
    func settings() async throws {
        var configuration = try TestDatabase.configuration()
        configuration.options = CaseworkStore.sessionOptions(schema: "city one", applicationName: "civicq-check")
        let client = PostgresClient(configuration: .init(connection: configuration, size: 1), logger: TestDatabase.logger)
        let (path, jit, name, compiles) = try await client.withConnection { connection in
            let settings = try connection.query(
                "SELECT current_setting('search_path'), current_setting('jit'), current_setting('application_name')"
            )[0].decode((String, String, String).self)
            return (settings.0, settings.1, settings.2, try TestDatabase.compilesPlans(on: connection))
        }
        await client.close()
        #expect(path == "\"city one\"")
        #expect(jit == "off")
        #expect(name == "civicq-check")
        #expect(compiles == false)
    }
}
