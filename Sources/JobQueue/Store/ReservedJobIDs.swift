import Postgres
import Synchronization

/// Job ids a ``JobStore`` has taken from the `jobs` table's identity sequence ahead of use, so
/// that a single enqueue knows its job's id before it inserts the row and asks nothing back:
/// an `INSERT` that returns no row costs PostgreSQL less than one `RETURNING id` (a result
/// store, a row description and a row per call; docs/benchmarks.md, "The sixth session of
/// issue 19").
///
/// The ids come from the same sequence as every other job's (`nextval`, which the service role
/// may call: migration 016 grants it USAGE on the schema's sequences), so they never collide
/// with a batch's or the database functions'. What changes: ids are unique but no longer in
/// the order jobs were enqueued across processes (each process holds its own block), and the
/// ids a process holds when it stops are never used (a gap, as a rolled-back insert leaves).
/// Nothing in the queue orders by id alone: the claim orders by priority and run time first.
///
/// `Sendable`: the ids are behind a `Mutex`; the block size is immutable.
final class ReservedJobIDs: Sendable {
    /// How many ids one reservation takes: one extra round trip per `block` single enqueues.
    let block: Int
    private let sequenceOf: String
    /// Unused ids, in the order they are handed out.
    private let ids = Mutex<(ids: [Int64], next: Int)>(([], 0))

    /// - Parameters:
    ///   - jobs: the quoted, schema-qualified `jobs` table.
    ///   - block: ids taken per reservation (at least 1).
    init(jobs: String, block: Int) {
        self.block = max(1, block)
        self.sequenceOf = jobs
    }

    /// The next reserved id, reserving a new block on `connection` (inside the caller's
    /// transaction, if one is open: `nextval` is not undone by a rollback, so the ids stay
    /// unique whatever happens to it) when none is left.
    func next(on connection: PostgresConnection) throws -> Int64 {
        if let id = take() { return id }
        let rows = try connection.query(
            """
            SELECT nextval(s) FROM pg_get_serial_sequence(\(sequenceOf), 'id') AS s, generate_series(1, \(block))
            """)
        var fresh = try rows.map { try $0.decode(Int64.self, at: 0) }
        guard !fresh.isEmpty else { throw PostgresError(code: .protocolViolation, reason: "no job ids were reserved") }
        fresh.sort()
        return ids.withLock { held in
            // Another call may have reserved a block meanwhile: its ids go first, these after.
            if held.next >= held.ids.count { held = ([], 0) }
            held.ids.append(contentsOf: fresh)
            defer { held.next += 1 }
            return held.ids[held.next]
        }
    }

    private func take() -> Int64? {
        ids.withLock { held in
            guard held.next < held.ids.count else { return nil }
            defer { held.next += 1 }
            return held.ids[held.next]
        }
    }
}
