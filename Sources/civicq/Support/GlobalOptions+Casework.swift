import Casework
import Postgres

extension GlobalOptions {
    /// Runs `body` on one connection, with the casework store for `--schema`. `reading`: on
    /// the read server when one is named (`--read-database-url`; only for what writes nothing).
    func withStore<R: Sendable>(
        reading: Bool = false, _ body: @escaping @Sendable (PostgresConnection, CaseworkStore) throws -> R
    ) async throws -> R {
        let store = CaseworkStore(schema: schemaName)
        return try await withClient(reading: reading) { client, _ in
            try await client.withConnection { try body($0, store) }
        }
    }
}
