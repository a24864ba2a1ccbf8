import Foundation
public import Postgres
import Synchronization

extension JobStore {
    /// Enqueues one job on `connection` (inside the caller's transaction, if one is open).
    /// Idle workers of its queue are woken when the transaction commits.
    /// - Returns: the job's id, or the id of the live job with the same unique key.
    ///
    /// One row, one statement: a plain `INSERT … RETURNING` (prepared by the connection, so
    /// only bound and executed after its first use) that sends only what differs from the
    /// table's defaults (``SingleInsertStatements``), with `ON CONFLICT` only for a unique
    /// key; the wake-up, when this process's debouncer allows one, a `pg_notify` in the same
    /// statement's `RETURNING` (one round trip, delivered at commit). The rules are those of
    /// `jobs_enqueue` (migration 019), which batches and the database's own functions use: the
    /// same defaults, `scheduled` when `runAt` is after the server's now, one live job per
    /// unique key; `EnqueueClaimTests` and `EnqueueShapeTests` compare the two forms row by row.
    @discardableResult
    public func enqueue(_ request: JobRequest, on connection: PostgresConnection) throws -> EnqueuedJob {
        try request.validate()
        // Due now (no run time, or one already past) wakes the queue, when the debouncer allows.
        let wake = (request.runAt.map { $0 <= Date() } ?? true) && debouncer.shouldNotify(request.queue)
        var shape: SingleInsertStatements.Shape = []
        var binds = PostgresBindings()
        binds.append(request.kind)
        /// Sends `value` as the next parameter when `sent`, marking `member` in the shape.
        func send<T: PostgresEncodable>(_ member: SingleInsertStatements.Shape, _ value: T?, if sent: Bool = true) {
            guard sent, let value else { return }
            shape.insert(member)
            binds.append(value)
        }
        send(.queue, request.queue, if: request.queue != JobRequest.defaultQueue)
        send(.payload, request.payload, if: request.payload.text != JobRequest.defaultPayload.text)
        send(.priority, request.priority, if: request.priority != JobRequest.defaultPriority)
        send(.maxAttempts, request.maxAttempts, if: request.maxAttempts != JobRequest.defaultMaxAttempts)
        send(.runAt, request.runAt)
        send(.uniqueKey, request.uniqueKey)
        send(.wake, channel, if: wake)
        let rows = try connection.query(PostgresQuery(unsafeSQL: singleInsert[shape], binds: binds))
        guard let row = rows.first else { throw PostgresError(code: .protocolViolation, reason: "enqueue returned no row") }
        let id = try row.decode(Int64.self, at: 0)
        // Without a unique key nothing can conflict: the row is new.
        let inserted = shape.contains(.uniqueKey) ? try row.decode(Bool.self, at: 1) : true
        metrics.count(.enqueued, kind: request.kind, by: 1)
        return EnqueuedJob(id: id, inserted: inserted)
    }

    /// The statement ``enqueue(_:on:)`` sends for a job with the table's defaults, due now,
    /// without a unique key or a wake-up (one parameter: the kind): for a benchmark to run the
    /// same SQL as a floor.
    public var singleInsertSQL: String { singleInsert[[]] }
}

/// The texts of the single-job insert, one per shape: which columns differ from the table's
/// defaults, whether there is a unique key, whether the statement wakes the queue. All 128
/// are made together with the first store of a schema in this process (about half a
/// millisecond) and shared by its later stores (the metrics' reading makes one per scrape):
/// no SQL is built per call, a call reads its text from an array, and each shape is
/// prepared once per connection.
///
/// A column left out takes the table's default (migration 002: queue `default`, payload
/// `{}`, priority 0, max_attempts 20, run_at `now()`, state `available`), which are
/// ``JobRequest``'s defaults; `EnqueueShapeTests` holds the two together (every shape's row
/// against the batch form's, which sends every value, and a default job's row read back).
/// The kind is always `$1`; the others follow in the order of ``Shape``'s members, the channel
/// last.
///
/// `Sendable`: immutable once made; the shared ones behind a `Mutex`.
final class SingleInsertStatements: Sendable {
    /// What a request sends besides its kind.
    struct Shape: OptionSet, Hashable, Sendable {
        let rawValue: Int
        static let queue = Shape(rawValue: 1 << 0)
        static let payload = Shape(rawValue: 1 << 1)
        static let priority = Shape(rawValue: 1 << 2)
        static let maxAttempts = Shape(rawValue: 1 << 3)
        static let runAt = Shape(rawValue: 1 << 4)
        static let uniqueKey = Shape(rawValue: 1 << 5)
        static let wake = Shape(rawValue: 1 << 6)
        static let count = 1 << 7
    }

    private let texts: [String]

    private init(jobs: String, jobState: String) {
        texts = (0..<Shape.count).map { Self.text(Shape(rawValue: $0), jobs: jobs, jobState: jobState) }
    }

    /// The texts made so far in this process, by the jobs table they insert into.
    private static let made = Mutex<[String: SingleInsertStatements]>([:])

    /// The texts for `jobs` (a quoted table name) and its state type.
    static func of(jobs: String, jobState: String) -> SingleInsertStatements {
        made.withLock { made in
            if let texts = made[jobs] { return texts }
            let texts = SingleInsertStatements(jobs: jobs, jobState: jobState)
            made[jobs] = texts
            return texts
        }
    }

    subscript(shape: Shape) -> String { texts[shape.rawValue] }

    private static func text(_ shape: Shape, jobs: String, jobState: String) -> String {
        var columns = ["kind"]
        var values = ["$1"]
        var parameters = 1
        func parameter(_ column: String) -> String {
            parameters += 1
            columns.append(column)
            values.append("$\(parameters)")
            return "$\(parameters)"
        }
        if shape.contains(.queue) { _ = parameter("queue") }
        if shape.contains(.payload) { _ = parameter("payload") }
        if shape.contains(.priority) { _ = parameter("priority") }
        if shape.contains(.maxAttempts) { _ = parameter("max_attempts") }
        if shape.contains(.runAt) {
            // Otherwise the defaults of run_at (now()) and state ('available').
            let runAt = parameter("run_at")
            columns.append("state")
            values.append("(CASE WHEN \(runAt) > now() THEN 'scheduled' ELSE 'available' END)::\(jobState)")
        }
        let unique = shape.contains(.uniqueKey)
        if unique { _ = parameter("unique_key") }
        // The new row's own queue names the wake-up, bound or default.
        let notify = shape.contains(.wake) ? ", pg_notify($\(parameters + 1), \(unique ? "j." : "")queue)" : ""
        // Without a unique key nothing can conflict: no arbiter, and only the id comes back.
        let conflict = unique
            ? "\nON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND state IN ('scheduled', 'available', 'running')\n"
                + "DO UPDATE SET unique_key = excluded.unique_key"
            : ""
        let returning = unique ? "j.id, (j.xmax = 0) AS inserted" : "id"
        return "INSERT INTO \(jobs)\(unique ? " AS j" : "") (\(columns.joined(separator: ", ")))\n"
            + "VALUES (\(values.joined(separator: ", ")))\(conflict)\nRETURNING \(returning)\(notify)"
    }
}
