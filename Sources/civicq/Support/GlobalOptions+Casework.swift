import Casework
import Postgres

extension GlobalOptions {
    /// Runs `body` on one connection, with the casework store for `--schema`.
    func withStore<R: Sendable>(_ body: @escaping @Sendable (PostgresConnection, CaseworkStore) throws -> R) async throws -> R {
        let store = CaseworkStore(schema: schemaName)
        return try await withClient { client, _ in
            try await client.withConnection { try body($0, store) }
        }
    }
}
