public import Foundation

/// How far a hot standby is behind its primary, read from both: the primary's WAL position
/// first, then how much of it the standby has replayed.
///
/// When the standby has replayed everything the primary had written when asked, it is caught
/// up: no lag, its data as of the moment of asking. Otherwise its data is as of the last
/// transaction it replayed (`pg_last_xact_replay_timestamp()`), and the lag is that
/// transaction's age. On a primary that writes nothing for a while this overstates the lag
/// until the standby catches up with the next record; civicq's workers write every few
/// seconds (their presence), so a civicq primary is rarely that quiet.
public struct ReplicaLag: Sendable, Equatable {
    /// The read server is a standby (in recovery). A primary named as the read server has no lag.
    public var isStandby: Bool
    /// WAL bytes the standby has yet to replay.
    public var bytes: Int64
    /// Seconds its data is behind the primary's.
    public var seconds: Double
    /// The moment its data is as of.
    public var asOf: Date

    public init(isStandby: Bool, bytes: Int64, seconds: Double, asOf: Date) {
        self.isStandby = isStandby
        self.bytes = bytes
        self.seconds = seconds
        self.asOf = asOf
    }

    /// Reads the primary's position, then the replica's replay of it.
    public static func read(primary: PostgresClient, replica: PostgresClient) async throws -> ReplicaLag {
        let (position, askedAt) = try await primary.withConnection { connection in
            try connection.query(
                "SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END)::text, now()"
            ).first!.decode((String, Date).self)
        }
        let (standby, behind, lastReplay, now) = try await replica.withConnection { connection in
            try connection.query(
                """
                SELECT pg_is_in_recovery(),
                       greatest(coalesce(pg_wal_lsn_diff(\(position)::pg_lsn, pg_last_wal_replay_lsn()), 0), 0)::bigint,
                       pg_last_xact_replay_timestamp(), now()
                """
            ).first!.decode((Bool, Int64, Date?, Date).self)
        }
        guard standby, behind > 0 else { return ReplicaLag(isStandby: standby, bytes: 0, seconds: 0, asOf: askedAt) }
        let asOf = lastReplay ?? askedAt
        return ReplicaLag(isStandby: true, bytes: behind, seconds: max(0, now.timeIntervalSince(asOf)), asOf: asOf)
    }
}
