import Casework
import Foundation
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

    /// The installation's reporting time zone, for times shown to people by commands that
    /// work before the schema is complete (migrate, jobs): UTC while there are no settings.
    func reportingTimeZone(_ client: PostgresClient) async -> TimeZone {
        let store = CaseworkStore(schema: schemaName)
        return (try? await client.withConnection { try store.reportingTimeZone(on: $0) }) ?? .gmt
    }
}
