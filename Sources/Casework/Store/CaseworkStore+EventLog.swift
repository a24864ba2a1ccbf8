public import Foundation
public import Postgres

/// What one sealing step did.
public struct LogSealOutcome: Sendable {
    /// Events sealed in this step.
    public let sealed: Int
    /// The tree's size after it.
    public let size: Int64
    /// The checkpoint signed in this step, if one was due.
    public let checkpoint: LogCheckpoint?
}

extension CaseworkStore {
    /// The columns of an event as it is sealed, for `FROM case_events e JOIN cases c`.
    public static let logEventColumns = """
        e.id, e.case_id, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), e.actor, e.kind,
        e.from_state::text, e.to_state::text, e.department_code, e.reason, e.public, e.details::text,
        c.area_code, c.category_code, to_char(c.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        coalesce(e.seal_xid, '0')::text
        """

    /// The columns of a ledger event as it is sealed, for `FROM ledger_events g JOIN ledger_items i`.
    public static let ledgerLogEventColumns = """
        g.id, g.item_id, to_char(g.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), g.actor, g.kind,
        g.from_state, g.to_state, g.department_code, g.note, g.details::text,
        i.lead_department, to_char(i.deadline AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        coalesce(g.seal_xid, '0')::text
        """

    /// Reads ``ledgerLogEventColumns`` starting at column `at`; nil when they are NULL.
    public static func ledgerLogEvent(_ row: PostgresRow, at start: Int) throws -> (LedgerLogEvent, LogPosition)? {
        guard let id = try row.decode(Int64?.self, at: start) else { return nil }
        let event = LedgerLogEvent(
            id: id, item: try row.decode(Int64.self, at: start + 1), at: try row.decode(String.self, at: start + 2),
            actor: try row.decode(String.self, at: start + 3), kind: try row.decode(String.self, at: start + 4),
            fromState: try row.decode(String?.self, at: start + 5), toState: try row.decode(String?.self, at: start + 6),
            department: try row.decode(String?.self, at: start + 7), note: try row.decode(String?.self, at: start + 8),
            details: try row.decode(String.self, at: start + 9), lead: try row.decode(String?.self, at: start + 10) ?? "",
            deadline: try row.decode(String?.self, at: start + 11) ?? "")
        let xid = UInt64(try row.decode(String.self, at: start + 12)) ?? 0
        return (event, LogPosition(xid: xid, id: id))
    }

    /// Reads ``logEventColumns`` starting at column `at`; nil when the event's columns are NULL
    /// (an outer join found no event).
    public static func logEvent(_ row: PostgresRow, at start: Int) throws -> (LogEvent, LogPosition)? {
        guard let id = try row.decode(Int64?.self, at: start) else { return nil }
        let event = LogEvent(
            id: id, caseID: try row.decode(Int64.self, at: start + 1), at: try row.decode(String.self, at: start + 2),
            actor: try row.decode(String.self, at: start + 3), kind: try row.decode(String.self, at: start + 4),
            fromState: try row.decode(String?.self, at: start + 5), toState: try row.decode(String?.self, at: start + 6),
            department: try row.decode(String?.self, at: start + 7), reason: try row.decode(String?.self, at: start + 8),
            isPublic: try row.decode(Bool.self, at: start + 9), details: try row.decode(String.self, at: start + 10),
            area: try row.decode(String?.self, at: start + 11) ?? "", category: try row.decode(String?.self, at: start + 12) ?? "",
            receivedAt: try row.decode(String?.self, at: start + 13) ?? "")
        let xid = UInt64(try row.decode(String.self, at: start + 14)) ?? 0
        return (event, LogPosition(xid: xid, id: id))
    }

    /// Seals up to `limit` events (of cases and of ledger items) in one transaction: those whose inserting transaction ended
    /// before every transaction still running began, in (transaction, id) order, never one
    /// below `sealed_below` (all of those were sealed: a later one was inserted by hand); then signs
    /// a checkpoint when one is due (`log.checkpoint_seconds` since the last one and the tree
    /// grew, a 旬, month or quarter closed, or none yet). The state row's lock keeps two
    /// sealers from interleaving.
    public func sealLog(limit: Int = 5_000, key: LogSigningKey, now: Date = Date(), on connection: PostgresConnection) throws -> LogSealOutcome {
        try connection.transaction { connection in
            guard let state = try connection.query(
                """
                SELECT cursor_xid::text, cursor_id, size, array(SELECT encode(f, 'hex') FROM unnest(frontier) AS f), sealed_below::text
                FROM log_state FOR UPDATE
                """).first else { throw LogError("the log's state row is missing") }
            let (cursorXID, cursorID, size, hexes, sealedBelow) = try state.decode((String, Int64, Int64, [String], String).self)
            // Every transaction below this one has ended: its events can no longer change.
            let horizon = try connection.query("SELECT pg_snapshot_xmin(pg_current_snapshot())::text").scalar(String.self) ?? "0"
            guard var frontier = MerkleFrontier(size: size, hashes: hexes.compactMap(Hex.decode)) else {
                throw LogError("the log's stored right edge does not fit its size")
            }
            // Both kinds of event in one order: each branch takes its first `limit` by the same key.
            // The outer ORDER BY names the branches' columns (u.x, an xid8): a bare `x` would be
            // the output column x::text, and order 1002 before 773.
            let rows = try connection.query(
                """
                SELECT u.id, u.x::text, u.h FROM (
                    (SELECT e.id, coalesce(e.seal_xid, '0'::xid8) AS x, encode(log_leaf_hash(e, c), 'hex') AS h
                     FROM case_events e JOIN cases c ON c.id = e.case_id
                     WHERE (coalesce(e.seal_xid, '0'::xid8), e.id) > (\(cursorXID)::xid8, \(cursorID))
                       AND coalesce(e.seal_xid, '0'::xid8) < \(horizon)::xid8
                       AND coalesce(e.seal_xid, '0'::xid8) >= \(sealedBelow)::xid8
                     ORDER BY coalesce(e.seal_xid, '0'::xid8), e.id LIMIT \(limit))
                    UNION ALL
                    (SELECT g.id, coalesce(g.seal_xid, '0'::xid8), encode(ledger_leaf_hash(g, i), 'hex')
                     FROM ledger_events g JOIN ledger_items i ON i.id = g.item_id
                     WHERE (coalesce(g.seal_xid, '0'::xid8), g.id) > (\(cursorXID)::xid8, \(cursorID))
                       AND coalesce(g.seal_xid, '0'::xid8) < \(horizon)::xid8
                       AND coalesce(g.seal_xid, '0'::xid8) >= \(sealedBelow)::xid8
                     ORDER BY coalesce(g.seal_xid, '0'::xid8), g.id LIMIT \(limit))
                ) u ORDER BY u.x, u.id LIMIT \(limit)
                """)
            var seqs: [Int64] = []
            var ids: [Int64] = []
            var hashes: [String] = []
            var last: LogPosition?
            seqs.reserveCapacity(rows.count)
            for row in rows {
                let (id, xid, hex) = try row.decode((Int64, String, String).self)
                guard let hash = Hex.decode(hex), hash.count == 32 else { throw LogError("the database computed no leaf hash for event \(id)") }
                seqs.append(frontier.size)
                ids.append(id)
                hashes.append(hex)
                frontier.append(hash)
                last = LogPosition(xid: UInt64(xid) ?? 0, id: id)
            }
            // Fewer than asked: every event below the horizon is sealed now.
            let caughtUp = rows.count < limit
            if caughtUp {
                try connection.execute("UPDATE log_state SET sealed_below = greatest(sealed_below, \(horizon)::xid8)")
            }
            if let last {
                try connection.execute(
                    """
                    INSERT INTO log_leaves (seq, event_id, leaf_hash)
                    SELECT s, i, decode(h, 'hex') FROM unnest(\(seqs), \(ids), \(hashes)) AS u(s, i, h)
                    """)
                try connection.execute(
                    """
                    UPDATE log_state SET cursor_xid = \(String(last.xid))::xid8, cursor_id = \(last.id), size = \(frontier.size),
                        frontier = array(SELECT decode(h, 'hex') FROM unnest(\(frontier.hashes.map(Hex.encode))) WITH ORDINALITY AS u(h, n) ORDER BY n)
                    """)
            }
            let below = max(UInt64(sealedBelow) ?? 0, caughtUp ? UInt64(horizon) ?? 0 : 0)
            let checkpoint = try signCheckpointIfDue(frontier: frontier, sealedBelow: below, key: key, now: now, on: connection)
            return LogSealOutcome(sealed: ids.count, size: frontier.size, checkpoint: checkpoint)
        }
    }

    private func signCheckpointIfDue(
        frontier: MerkleFrontier, sealedBelow: UInt64, key: LogSigningKey, now: Date, on connection: PostgresConnection
    ) throws -> LogCheckpoint? {
        let previous = try connection.query("SELECT size, signed_at, sealed_below::text FROM log_checkpoints ORDER BY id DESC LIMIT 1").first
            .map { try $0.decode((Int64, Date, String).self) }
        let interval = try number(setting: "log.checkpoint_seconds", default: 60, on: connection)
        var periods: [String] = []
        if let previous {
            let calendar = WorkCalendar(timeZone: try reportingTimeZone(on: connection))
            periods = LogPeriods.closed(from: calendar.day(of: previous.1), to: calendar.day(of: now))
            // New events, or a later horizon to sign (it names which late insertions are forged).
            let moved = frontier.size > previous.0 || sealedBelow > UInt64(previous.2) ?? 0
            guard !periods.isEmpty || (moved && now.timeIntervalSince(previous.1) >= interval) else { return nil }
        } else if frontier.size == 0 {
            return nil
        }
        let checkpoint = LogCheckpoint(origin: key.name, size: frontier.size, root: frontier.root,
                                       time: Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down)),
                                       sealedBelow: sealedBelow, periods: periods)
        let note = try checkpoint.signed(by: key)
        try connection.execute(
            """
            INSERT INTO log_checkpoints (size, root, signed_at, sealed_below, periods, note)
            VALUES (\(checkpoint.size), decode(\(Hex.encode(checkpoint.root)), 'hex'), \(checkpoint.time), \(String(sealedBelow))::xid8,
                    \(periods), \(note))
            """)
        return checkpoint
    }

    /// The perpetual sealing job, on the `log` queue (only workers given the signing key work it).
    public func ensureSealJob(on connection: PostgresConnection) throws {
        try ensurePerpetual(.logSeal, on: connection)
    }

    /// A scalar query counting the events past the sealing cursor (for ``unsealedEvents(on:)``
    /// and the operations snapshot).
    static let unsealedCount = """
        SELECT (SELECT count(*) FROM case_events e, log_state s
                WHERE (coalesce(e.seal_xid, '0'::xid8), e.id) > (s.cursor_xid, s.cursor_id))
             + (SELECT count(*) FROM ledger_events g, log_state s
                WHERE (coalesce(g.seal_xid, '0'::xid8), g.id) > (s.cursor_xid, s.cursor_id))
        """

    /// Events not sealed yet (committed ones; a transaction still running is not counted).
    public func unsealedEvents(on connection: PostgresConnection) throws -> Int {
        try connection.query(PostgresQuery(unsafeSQL: Self.unsealedCount)).scalar(Int.self) ?? 0
    }
}
