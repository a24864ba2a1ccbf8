import Casework
import Foundation
import Postgres

extension GlobalOptions {
    /// Runs `body` on one connection, with the casework store for `--schema`. `reading`: on
    /// the read server when one is named (`--read-database-url`; only for what writes nothing).
    func withStore<R: Sendable>(
        reading: Bool = false, readsLanguage: Bool = true, _ body: @escaping @Sendable (PostgresConnection, CaseworkStore) throws -> R
    ) async throws -> R {
        let store = CaseworkStore(schema: schemaName)
        return try await withClient(reading: reading, readsLanguage: readsLanguage) { client, _ in
            try await client.withConnection { try body($0, store) }
        }
    }

    /// Like ``withStore(reading:readsLanguage:_:)`` for what people read: the installation's
    /// time zone and language (`--lang` or the locale over the language) are read once, on the
    /// same connection, recorded for refusals (``Spoken``), handed to `body` and returned with
    /// its result.
    func withAudience<R: Sendable>(
        reading: Bool = false, _ body: @escaping @Sendable (PostgresConnection, CaseworkStore, Audience) throws -> R
    ) async throws -> (R, Audience) {
        let language = languageOverride
        return try await withStore(reading: reading, readsLanguage: false) { connection, store in
            let audience = try store.audience(language: language, on: connection)
            Spoken.choose(audience.language)
            return (try body(connection, store, audience), audience)
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
