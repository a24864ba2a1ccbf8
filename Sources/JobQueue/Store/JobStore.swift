import Foundation
public import Postgres
import Synchronization

/// The job queue's SQL, for one schema.
///
/// Every method takes a ``PostgresConnection`` and runs on it synchronously, so it composes
/// with the caller's own statements inside one `withConnection`/`withTransaction` closure: a
/// case and its routing job commit together or not at all. ``JobQueueClient`` wraps the
/// common calls for code that has only a pool.
///
/// `Sendable`: immutable SQL text plus a debouncer whose state is atomic.
public struct JobStore: Sendable {
    /// The schema holding `jobs` (``JobQueueSchema``'s migrations).
    public let schema: String
    /// The NOTIFY channel workers listen on: `<schema>.jobs`.
    public let channel: String
    let jobs: String
    let jobState: String
    let throughput: String
    let history: String
    let enqueueFunction: String
    let jobRequest: String
    let singleInsert: SingleInsertStatements
    let debouncer: NotifyDebouncer
    /// Where the queue's metrics go (shared with the workers that use this store).
    public let metrics: JobMetrics

    /// - Parameters:
    ///   - schema: where the queue's tables are. Default `civicq`.
    ///   - notifyDebounce: a process sends at most one wake-up per queue in this window; a
    ///     worker that misses one finds the job at its next poll. Default 10 ms.
    ///   - metrics: the metrics to update. Default: through the process's bootstrapped factory.
    public init(schema: String = "civicq", notifyDebounce: Duration = .milliseconds(10), metrics: JobMetrics = JobMetrics()) {
        self.metrics = metrics
        self.schema = schema
        let quoted = PostgresQuery.quoteIdentifier(schema)
        self.channel = JobQueueSchema.channel(schema: schema)
        self.jobs = "\(quoted).jobs"
        self.jobState = "\(quoted).job_state"
        self.throughput = "\(quoted).job_throughput"
        self.history = "\(quoted).job_history"
        self.enqueueFunction = "\(quoted).jobs_enqueue"
        self.jobRequest = "\(quoted).job_request"
        self.singleInsert = SingleInsertStatements.of(jobs: jobs, jobState: jobState)
        self.debouncer = NotifyDebouncer(window: notifyDebounce)
    }

    // MARK: Enqueue

    /// Enqueues many jobs in one statement. Requests with the same unique key (in the batch
    /// or already live) yield one job; each result says which.
    /// - Returns: one result per request, in order.
    @discardableResult
    public func enqueue(_ requests: [JobRequest], on connection: PostgresConnection) throws -> [EnqueuedJob] {
        guard !requests.isEmpty else { return [] }
        for request in requests { try request.validate() }
        // Within one statement a row may be hit by ON CONFLICT only once: send each key once.
        var firstIndexOfKey: [String: Int] = [:]
        var sent: [Int] = []
        var sameAs: [Int: Int] = [:]
        for (index, request) in requests.enumerated() {
            if let key = request.uniqueKey {
                if let first = firstIndexOfKey[key] {
                    sameAs[index] = first
                    continue
                }
                firstIndexOfKey[key] = index
            }
            sent.append(index)
        }
        let batch = sent.map { requests[$0] }
        let now = Date()
        let wake = Set(batch.filter { ($0.runAt ?? now) <= now }.map(\.queue)).filter(debouncer.shouldNotify)
        if batch.allSatisfy({ $0.uniqueKey == nil }) {
            let results = try insert(batch, wake: wake, on: connection)
            countEnqueued(requests)
            return results
        }
        // jobs_enqueue (migration 019) is the one writer of `jobs`: the state and unique-key
        // rules and the wake-up live there. This process's debouncer decides whether to wake.
        let rows = try connection.query(
            """
            SELECT e.id, e.inserted FROM \(unsafe: enqueueFunction)(ARRAY(
                SELECT ROW(r.queue, r.kind, r.payload::jsonb, r.priority::smallint, r.run_at::timestamptz,
                           r.max_attempts::integer, r.unique_key)::\(unsafe: jobRequest)
                FROM unnest(\(batch.map(\.queue)), \(batch.map(\.kind)), \(batch.map(\.payload.text)), \(batch.map { Int($0.priority) }),
                            \(batch.map { $0.runAt?.postgresBind.textForm }), \(batch.map(\.maxAttempts)), \(batch.map(\.uniqueKey)))
                     WITH ORDINALITY AS r(queue, kind, payload, priority, run_at, max_attempts, unique_key, n)
                ORDER BY r.n), \(!wake.isEmpty)) AS e
            """)
        guard rows.count == batch.count else {
            throw PostgresError(code: .protocolViolation, reason: "enqueue returned \(rows.count) rows for \(batch.count) jobs")
        }
        var results = [EnqueuedJob?](repeating: nil, count: requests.count)
        for (position, index) in sent.enumerated() {
            let (id, inserted) = try rows[position].decode((Int64, Bool).self)
            results[index] = EnqueuedJob(id: id, inserted: inserted)
        }
        for (index, first) in sameAs { results[index] = EnqueuedJob(id: results[first]!.id, inserted: false) }
        countEnqueued(requests)
        return results.map { $0! }
    }

    private func countEnqueued(_ requests: [JobRequest]) {
        var perKind: [String: Int] = [:]
        for request in requests { perKind[request.kind, default: 0] += 1 }
        for (kind, count) in perKind { metrics.count(.enqueued, kind: kind, by: count) }
    }

    /// A batch without unique keys (nothing can conflict): one `INSERT … SELECT`, a column
    /// that is the same for every job sent once as a value, the others as arrays and payloads
    /// that differ as one JSON array (no array literal to escape and unescape, no parse of each
    /// payload on its own), read side by side; the rules of `jobs_enqueue` (defaults,
    /// `scheduled` when after the server's now). The ids come back in the order of the
    /// requests (one sequence, one insert).
    private func insert(_ batch: [JobRequest], wake: Set<String>, on connection: PostgresConnection) throws -> [EnqueuedJob] {
        var binds = PostgresBindings()
        var sets: [String] = []
        var names: [String] = []
        func column<T: PostgresArrayElement & Equatable>(_ name: String, _ values: [T], cast: String) -> String {
            if let first = values.first, values.allSatisfy({ $0 == first }) {
                binds.append(first)
                return "$\(binds.count)::\(cast)"
            }
            binds.append(values)
            sets.append("unnest($\(binds.count)::\(cast)[])")
            names.append(name)
            return "r.\(name)::\(cast)"
        }
        let queue = column("queue", batch.map(\.queue), cast: "text")
        let kind = column("kind", batch.map(\.kind), cast: "text")
        let payloads = batch.map(\.payload.text)
        let payload: String
        var guardClause = ""
        if let first = payloads.first, payloads.allSatisfy({ $0 == first }) {
            binds.append(PostgresJSONB(text: first))
            payload = "$\(binds.count)::jsonb"
        } else {
            binds.append(PostgresJSONB(text: "[" + payloads.joined(separator: ",") + "]"))
            sets.append("jsonb_array_elements($\(binds.count)::jsonb)")
            names.append("payload")
            payload = "r.payload"
            // A payload that is not one JSON value ("1, 2") would shift the others: then
            // nothing is stored, and the count check below reports it.
            binds.append(batch.count)
            guardClause = " WHERE jsonb_array_length($\(binds.count - 1)::jsonb) = $\(binds.count)"
        }
        let priority = column("priority", batch.map { Int($0.priority) }, cast: "smallint")
        let attempts = column("max_attempts", batch.map(\.maxAttempts), cast: "integer")
        let runAt: String
        let state: String
        if batch.allSatisfy({ $0.runAt == nil }) {
            (runAt, state) = ("now()", "'available'")
        } else {
            let at = column("run_at", batch.map { $0.runAt?.postgresBind.textForm }, cast: "timestamptz")
            (runAt, state) = ("coalesce(\(at), now())", "CASE WHEN \(at) > now() THEN 'scheduled' ELSE 'available' END")
        }
        let source: String
        if sets.isEmpty {
            binds.append(batch.count)
            source = "generate_series(1, $\(binds.count))"
        } else {
            // The columns that differ side by side, position by position.
            source = "ROWS FROM (\(sets.joined(separator: ", "))) AS r(\(names.joined(separator: ", ")))"
        }
        let insert = PostgresQuery(unsafeSQL: """
            INSERT INTO \(jobs) (queue, kind, payload, priority, max_attempts, run_at, state)
            SELECT \(queue), \(kind), \(payload), \(priority), \(attempts), \(runAt), (\(state))::\(jobState) FROM \(source)\(guardClause)
            RETURNING id
            """, binds: binds)
        let rows = wake.isEmpty
            ? try connection.query(insert)
            : try connection.pipeline([insert, "SELECT pg_notify(\(channel), q) FROM unnest(\(wake.sorted())) AS q"])[0]
        guard rows.count == batch.count else {
            throw PostgresError(code: .protocolViolation, reason: "enqueue returned \(rows.count) rows for \(batch.count) jobs")
        }
        return try rows.map { EnqueuedJob(id: try $0.decode(Int64.self, at: 0), inserted: true) }.sorted { $0.id < $1.id }
    }
}

/// Sends at most one wake-up per queue per window from this process.
///
/// Each queue has its clock, the time of its last wake-up, found in an ``ObjectTable`` and
/// moved on by a compare-and-exchange: of the connections enqueueing into one queue at once,
/// one sends the wake-up and the others see it sent, without a lock (a `Mutex` around a
/// dictionary was contended at eight connections; see ``ObjectTable``).
/// The time is the monotonic clock at the kernel's tick (`CLOCK_MONOTONIC_COARSE`, 4 ms on
/// the machines measured): a read of memory the kernel keeps, where reading the precise clock
/// (through `DispatchTime`) was most of the debouncer's cost in a profile of eight connections
/// enqueueing. A window of 10 ms is then 10 ms give or take a tick.
///
/// `Sendable`: its state is the table's and the clocks' atomics.
final class NotifyDebouncer: Sendable {
    /// A queue's last wake-up, nanoseconds of the monotonic clock (0: never).
    private final class LastWake: Sendable {
        let nanoseconds = Atomic<UInt64>(0)
    }

    private let window: UInt64
    private let queues = ObjectTable()

    init(window: Duration) { self.window = UInt64(max(0, window.wholeNanoseconds)) }

    /// Nanoseconds of the monotonic clock, at the kernel's tick.
    static func coarseNow() -> UInt64 {
        #if os(Linux)
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC_COARSE, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
        #else
        return DispatchTime.now().uptimeNanoseconds
        #endif
    }

    func shouldNotify(_ queue: String) -> Bool {
        queues.with(queue, make: { LastWake() }) { clock in
            let now = Self.coarseNow()
            var last = clock.nanoseconds.load(ordering: .relaxed)
            while true {
                // Another connection may have sent one after this one read the time (last > now).
                if last != 0, last >= now || now - last < window { return false }
                let (exchanged, seen) = clock.nanoseconds.compareExchange(expected: last, desired: now, ordering: .relaxed)
                if exchanged { return true }
                last = seen
            }
        }
    }
}
