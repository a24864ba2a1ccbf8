import Foundation
public import Postgres
import Synchronization

/// Checks API keys against the database, remembering a good or unknown key for `cacheTTL`
/// (so a request costs no query, and a revoked key stops working within that time).
///
/// `Sendable`: the cache is behind a `Mutex`; the rest is immutable.
public final class APIKeyAuthenticator: Sendable {
    private struct Entry {
        let client: IntakeClient?
        let hash: Data?
        let fetched: ContinuousClock.Instant
    }

    private let client: PostgresClient
    private let store: APIKeyStore
    private let cacheTTL: Duration
    private let cache = Mutex<[String: Entry]>([:])

    public init(client: PostgresClient, store: APIKeyStore, cacheTTL: Duration = .seconds(10)) {
        self.client = client
        self.store = store
        self.cacheTTL = cacheTTL
    }

    /// The intake system whose key `text` is, or nil for anything else.
    public func authenticate(_ text: String) async throws -> IntakeClient? {
        guard let key = APIKey(parsing: text) else { return nil }
        let now = ContinuousClock.now
        let cached = cache.withLock { $0[key.prefix] }
        let entry: Entry
        if let cached, now - cached.fetched < cacheTTL {
            entry = cached
        } else {
            let store = self.store
            let found = try await client.withConnection { try store.lookup(prefix: key.prefix, on: $0) }
            entry = Entry(client: found?.client, hash: found?.hash, fetched: now)
            cache.withLock { cache in
                if cache.count > 10_000 { cache.removeAll() }
                cache[key.prefix] = entry
            }
        }
        guard let hash = entry.hash, key.matches(hash) else { return nil }
        return entry.client
    }
}
