public import Foundation
public import Postgres

extension CaseworkStore {
    /// Every checkpoint's signed note whose size is at least `size`, oldest first.
    public func logCheckpointNotes(fromSize size: Int64 = 0, on connection: PostgresConnection) throws -> [String] {
        try connection.query("SELECT note FROM log_checkpoints WHERE size >= \(size) ORDER BY size, id").map { try $0.decode(String.self, at: 0) }
    }

    /// The latest checkpoint as stored (its signature is not checked here: `log verify` does).
    public func latestCheckpoint(on connection: PostgresConnection) throws -> (size: Int64, root: String, signedAt: Date)? {
        try connection.query("SELECT size, encode(root, 'base64'), signed_at FROM log_checkpoints ORDER BY id DESC LIMIT 1")
            .first.map { try $0.decode((Int64, String, Date).self) }
    }

    /// Pages through the sealed log in order from position `from`, `batch` leaves a query:
    /// `columns` are selected after the leaf's position, from `log_leaves l` joined (outer) to
    /// its case event `e` and case `c`, or its ledger event `g` and item `i`; `body` gets each
    /// row and says whether to go on.
    /// The case events the log covers: the live history and the archived months (migration
    /// 026), as one relation of case_events' columns.
    static let sealedCaseEvents = "(SELECT * FROM case_events UNION ALL SELECT * FROM case_events_archived)"

    private func pageSealedLog(
        from: Int64, batch: Int, columns: String, on connection: PostgresConnection, _ body: (Int64, PostgresRow) throws -> Bool
    ) throws {
        var next = from
        while true {
            let rows = try connection.query(
                """
                SELECT l.seq, \(unsafe: columns)
                FROM log_leaves l LEFT JOIN \(unsafe: Self.sealedCaseEvents) e ON e.id = l.event_id LEFT JOIN cases c ON c.id = e.case_id
                    LEFT JOIN ledger_events g ON g.id = l.event_id LEFT JOIN ledger_items i ON i.id = g.item_id
                WHERE l.seq >= \(next) ORDER BY l.seq LIMIT \(batch)
                """)
            for row in rows {
                let seq = try row.decode(Int64.self, at: 0)
                guard try body(seq, row) else { return }
                next = seq + 1
            }
            if rows.count < batch { return }
        }
    }

    /// Reads the sealed log in order from `from`: each leaf's position, event id and recorded
    /// hash, with the event (of a case or a ledger item) as it is now (nil if gone).
    func readSealedLog(
        from: Int64 = 0, on connection: PostgresConnection,
        _ body: (Int64, Int64, [UInt8], (LogRecord, LogPosition)?) throws -> Bool
    ) throws {
        let columns = "l.event_id, encode(l.leaf_hash, 'hex'), " + Self.logEventColumns + ", " + Self.ledgerLogEventColumns
        try pageSealedLog(from: from, batch: 10_000, columns: columns, on: connection) { seq, row in
            let (eventID, hex) = try (row.decode(Int64.self, at: 1), row.decode(String.self, at: 2))
            let found: (LogRecord, LogPosition)? =
                if let (event, position) = try Self.logEvent(row, at: 3) { (.caseEvent(event), position) }
                else if let (event, position) = try Self.ledgerLogEvent(row, at: 18) { (.ledgerEvent(event), position) }
                else { nil }
            return try body(seq, eventID, Hex.decode(hex) ?? [], found)
        }
    }

    /// Reads the sealed log's hashes in order: each leaf's position, event id, recorded hash,
    /// the leaf hash of the event as it is now (the database computes it: `log_leaf_hash`;
    /// nil if the event is gone) and its sealing position.
    func readSealedHashes(
        on connection: PostgresConnection, _ body: (Int64, Int64, [UInt8], [UInt8]?, LogPosition?) throws -> Bool
    ) throws {
        let columns = """
            l.event_id, encode(l.leaf_hash, 'hex'),
            CASE WHEN e.id IS NOT NULL THEN encode(log_leaf_hash(e::case_events, c), 'hex') WHEN g.id IS NOT NULL THEN encode(ledger_leaf_hash(g, i), 'hex') END,
            coalesce(e.seal_xid, g.seal_xid, '0')::text
            """
        try pageSealedLog(from: 0, batch: 20_000, columns: columns, on: connection) { seq, row in
            let (eventID, recorded, now, xid) = try (
                row.decode(Int64.self, at: 1), row.decode(String.self, at: 2), row.decode(String?.self, at: 3), row.decode(String.self, at: 4))
            let position = now == nil ? nil : LogPosition(xid: UInt64(xid) ?? 0, id: eventID)
            return try body(seq, eventID, Hex.decode(recorded) ?? [], now.flatMap(Hex.decode), position)
        }
    }

    /// Checks the live tables against the signed checkpoints with the public key: every sealed
    /// event against its recorded leaf hash and the tree against every checkpoint (see
    /// ``LogVerifier``), the leaves in sealing order, and no event inserted among the sealed
    /// ones. Run it in one transaction (REPEATABLE READ) for a consistent reading.
    public func verifyLog(key: LogVerifierKey, on connection: PostgresConnection) throws -> LogVerification {
        var verifier = LogVerifier(key: key, notes: try logCheckpointNotes(on: connection))
        var last: LogPosition?
        try readSealedHashes(on: connection) { seq, eventID, recorded, now, position in
            if let position { last = position }
            return verifier.add(position: seq, eventID: eventID, leafHash: now, recordedHash: recorded, order: position)
        }
        // Events that a checkpoint says were all sealed, yet have no leaf: inserted by hand.
        let below = verifier.latestProven?.sealedBelow ?? 0
        if verifier.failure == nil, last != nil, below > 0 {
            let inserted = try connection.query(
                """
                SELECT id FROM (SELECT e.id, e.seal_xid FROM \(unsafe: Self.sealedCaseEvents) e UNION ALL SELECT g.id, g.seal_xid FROM ledger_events g) e
                WHERE coalesce(e.seal_xid, '0'::xid8) < \(String(below))::xid8
                  AND NOT EXISTS (SELECT 1 FROM log_leaves l WHERE l.event_id = e.id)
                ORDER BY coalesce(e.seal_xid, '0'::xid8), e.id LIMIT 1
                """).scalar(Int64.self)
            if let inserted {
                verifier.record(LogFailure(eventID: inserted, position: nil, reason: "event \(inserted) was inserted among the sealed events"))
            }
        }
        return verifier.finish()
    }

    /// Writes the export's lines (``LogExport``) from the checkpoint of size `from` on (0: the
    /// whole log), through `write`, and returns how many events it wrote.
    public func exportLog(from: Int64 = 0, origin: String, on connection: PostgresConnection, write: (String) throws -> Void) throws -> Int64 {
        var frontier = MerkleFrontier()
        if from > 0 {
            guard try connection.query("SELECT 1 FROM log_checkpoints WHERE size = \(from)").count > 0 else {
                throw LogError("there is no checkpoint of size \(from)")
            }
            let hashes = try connection.query("SELECT encode(leaf_hash, 'hex') FROM log_leaves WHERE seq < \(from) ORDER BY seq")
            for row in hashes { frontier.append(Hex.decode(try row.decode(String.self, at: 0)) ?? []) }
        }
        let zone = try reportingTimeZone(on: connection).identifier
        try write(try LogExport.line(LogExport.Header(origin: origin, timeZone: zone, from: frontier.size, frontier: frontier.hashes)))
        for note in try logCheckpointNotes(fromSize: from, on: connection) {
            try write(try LogExport.line(checkpoint: note))
        }
        var count: Int64 = 0
        try readSealedLog(from: from, on: connection) { seq, _, recorded, found in
            guard let (record, position) = found else { throw LogError("the sealed event at position \(seq) is missing: run civicq log verify") }
            try write(try LogExport.line(seq: seq, leaf: recorded, position: position, record: record))
            count += 1
            return true
        }
        return count
    }
}
