public import Foundation
public import Postgres

/// A stored API key, as `civicq keys list` shows it (never the key itself).
public struct APIKeyInfo: Sendable, Codable, Equatable {
    public let id: Int64
    public let source: String
    public let prefix: String
    public let label: String?
    public let scopes: [String]
    public let rate_per_second: Int
    public let burst: Int
    public let created_at: Date
    public let revoked_at: Date?
    public let last_used_at: Date?
}

/// The SQL of the `api_keys` table (migration 007) for one schema.
///
/// `Sendable`: immutable.
public struct APIKeyStore: Sendable {
    public let schema: String

    public init(schema: String) {
        self.schema = schema
    }

    /// Creates a key for `source`; the returned key is the only time its text exists.
    public func create(
        source: String, label: String?, scopes: [APIScope], ratePerSecond: Int, burst: Int, on connection: PostgresConnection
    ) throws -> (key: APIKey, info: APIKeyInfo) {
        let key = APIKey.generate()
        let rows = try connection.query(
            """
            INSERT INTO api_keys (source, prefix, secret_hash, label, scopes, rate_per_second, burst)
            VALUES (\(source), \(key.prefix), \(key.hash), \(label), \(scopes.map(\.rawValue)), \(ratePerSecond), \(burst))
            RETURNING \(unsafe: Self.columns)
            """)
        return (key, try Self.info(rows[0]))
    }

    /// Every key, newest first.
    public func list(on connection: PostgresConnection) throws -> [APIKeyInfo] {
        try connection.query("SELECT \(unsafe: Self.columns) FROM api_keys ORDER BY id DESC").map(Self.info)
    }

    /// Revokes the key with this id or prefix; false when there is none not yet revoked.
    public func revoke(_ idOrPrefix: String, on connection: PostgresConnection) throws -> Bool {
        let id = Int64(idOrPrefix) ?? -1
        return try connection.query(
            """
            UPDATE api_keys SET revoked_at = now() WHERE (id = \(id) OR prefix = \(idOrPrefix)) AND revoked_at IS NULL RETURNING id
            """
        ).count > 0
    }

    /// The live key with `prefix` and its stored hash, marking it used.
    public func lookup(prefix: String, on connection: PostgresConnection) throws -> (client: IntakeClient, hash: Data)? {
        let rows = try connection.query(
            """
            UPDATE api_keys SET last_used_at = now() WHERE prefix = \(prefix) AND revoked_at IS NULL
            RETURNING id, source, scopes, rate_per_second, burst, secret_hash
            """)
        guard let row = rows.first else { return nil }
        let (id, source, scopes, rate, burst, hash) = try row.decode((Int64, String, [String], Int, Int, Data).self)
        return (IntakeClient(keyID: id, source: source, scopes: Set(scopes.compactMap(APIScope.init(rawValue:))), ratePerSecond: rate, burst: burst), hash)
    }

    private static let columns = "id, source, prefix, label, scopes, rate_per_second, burst, created_at, revoked_at, last_used_at"

    private static func info(_ row: PostgresRow) throws -> APIKeyInfo {
        let (id, source, prefix, label, scopes, rate, burst) = try row.decode((Int64, String, String, String?, [String], Int, Int).self)
        let (created, revoked, used) = try row.decode((Date, Date?, Date?).self, startingAt: 7)
        return APIKeyInfo(
            id: id, source: source, prefix: prefix, label: label, scopes: scopes, rate_per_second: rate, burst: burst,
            created_at: created, revoked_at: revoked, last_used_at: used)
    }
}
