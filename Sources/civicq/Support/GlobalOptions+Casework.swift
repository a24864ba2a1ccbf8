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

    /// The installation's reporting time zone and language, for commands that work before
    /// the schema is complete (migrate, jobs, archive, log): UTC and English (or `--lang`)
    /// while there are no settings. The language is recorded for refusals (``Spoken``).
    /// - Throws: only when no connection can be had (the command would fail the same way).
    func audience(_ client: PostgresClient) async throws -> Audience {
        let store = CaseworkStore(schema: schemaName)
        let language = languageOverride
        let audience = try await client.withConnection { try? store.audience(language: language, on: $0) }
            ?? Audience(timeZone: .gmt, language: language ?? .en)
        Spoken.choose(audience.language)
        return audience
    }
}
