import Casework
import JobQueue
import Postgres
import Prometheus
import Synchronization

/// The database-wide gauges `civicq serve` exports: the queue, the cases, the callbacks, the
/// workers and the figures backlog, read from one ``OperationsReading``. A label set that
/// disappears (a department with no overdue case left) is removed from the registry rather
/// than left at its last value.
///
/// `Sendable`: the current gauges are behind a `Mutex`; the registry is thread-safe.
final class OperationsGauges: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let current = Mutex<[String: Gauge]>([:])

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// Sets every gauge from `reading` (nil: the database did not answer; only `database_up`
    /// and the reading's age change then, so the last values stay visible but stale).
    func apply(_ reading: OperationsReading?) {
        registry.makeGauge(descriptor: Self.databaseUp).set(Double(reading == nil ? 0 : 1))
        guard let reading else { return }
        var values: [(MetricNameDescriptor, [(String, String)], Double)] = []
        for queue in reading.queues {
            for state in JobState.allCases {
                values.append((Self.queueDepth, [("queue", queue.queue), ("state", state.rawValue)], Double(queue.counts[state] ?? 0)))
            }
            values.append((Self.queueAge, [("queue", queue.queue)], queue.oldestAvailableAge ?? 0))
        }
        let snapshot = reading.snapshot
        for state in CaseState.allCases where !state.isFinal {
            values.append((Self.cases, [("state", state.rawValue)], Double(snapshot.casesByState[state] ?? 0)))
        }
        for (department, count) in snapshot.openByDepartment {
            values.append((Self.backlog, [("department", department)], Double(count)))
        }
        for (department, count) in snapshot.overdueByDepartment {
            values.append((Self.overdue, [("department", department)], Double(count)))
        }
        for clock in OperationsSnapshot.Clock.allCases {
            values.append((Self.escalationsOpen, [("clock", clock.rawValue)], Double(snapshot.openEscalations[clock] ?? 0)))
        }
        values.append((Self.escalationsDay, [], Double(snapshot.escalationsLastDay)))
        values.append((Self.callbacks, [("due", "now")], Double(snapshot.callbacksDue)))
        values.append((Self.callbacks, [("due", "later")], Double(snapshot.callbacksPending - snapshot.callbacksDue)))
        values.append((Self.intakeToday, [], Double(snapshot.intakeToday)))
        values.append((Self.figuresBacklog, [], Double(snapshot.figuresBacklog)))
        values.append((Self.logUnsealed, [], Double(snapshot.logUnsealed)))
        if let age = snapshot.logCheckpointAge { values.append((Self.logCheckpointAge, [], age)) }
        for (level, count) in snapshot.hotspotsOpen {
            values.append((Self.hotspots, [("level", level)], Double(count)))
        }
        for (state, count) in snapshot.ledgerItems {
            values.append((Self.ledgerItems, [("state", state)], Double(count)))
        }
        values.append((Self.workers, [], Double(reading.workers.count)))
        values.append((Self.readingSeconds, [], reading.seconds))
        var fresh: [String: Gauge] = [:]
        for (descriptor, labels, value) in values {
            let gauge = labels.isEmpty
                ? registry.makeGauge(descriptor: descriptor) : registry.makeGauge(descriptor: descriptor, labels: labels)
            gauge.set(value)
            fresh[descriptor.name + labels.map { "\u{1}\($0.0)=\($0.1)" }.joined()] = gauge
        }
        let gone = current.withLock { current in
            defer { current = fresh }
            return current.filter { fresh[$0.key] == nil }.map(\.value)
        }
        for gauge in gone { registry.unregisterGauge(gauge) }
    }

    static func descriptor(_ name: String, unit: String = "", help: String) -> MetricNameDescriptor {
        CivicMetrics.descriptor(name, unit: unit, help: help)
    }

    static var databaseUp: MetricNameDescriptor { descriptor("database_up", help: "1 when the last reading of the database succeeded, else 0.") }
    static var queueDepth: MetricNameDescriptor { descriptor("jobs_queue_depth", help: "Jobs in the queue, by queue and state.") }
    static var queueAge: MetricNameDescriptor { descriptor(
        "jobs_oldest_available", unit: "seconds", help: "Seconds the oldest available job of a queue has waited since it fell due.") }
    static var cases: MetricNameDescriptor { descriptor("cases", help: "Cases in each state that is not final.") }
    static var backlog: MetricNameDescriptor { descriptor("department_backlog", help: "Open cases by lead department code (none: not yet routed).") }
    static var overdue: MetricNameDescriptor { descriptor("cases_overdue", help: "Open cases past a deadline, by lead department code.") }
    static var escalationsOpen: MetricNameDescriptor { descriptor(
        "escalations_open", help: "Open cases past their response (not yet accepted) or resolution deadline.") }
    static var escalationsDay: MetricNameDescriptor { descriptor("escalations_last_day", help: "Escalation events in the last 24 hours.") }
    static var callbacks: MetricNameDescriptor { descriptor("callbacks_pending", help: "Callbacks still to make: due now or later.") }
    static var intakeToday: MetricNameDescriptor { descriptor("intake_today", help: "Cases received since midnight in the reporting time zone.") }
    static var logUnsealed: MetricNameDescriptor { descriptor("log_unsealed_events", help: "Events not yet sealed into the event log's Merkle tree.") }
    static var logCheckpointAge: MetricNameDescriptor { descriptor(
        "log_checkpoint_age", unit: "seconds", help: "Seconds since the event log's latest signed checkpoint (absent before the first).") }
    static var figuresBacklog: MetricNameDescriptor { descriptor("figures_backlog", help: "Cases whose events the figures rollup has not taken in yet.") }
    static var hotspots: MetricNameDescriptor { descriptor(
        "hotspots_open", help: "Open hot spots (a category in a street or district above its own baseline), by level.") }
    static var ledgerItems: MetricNameDescriptor { descriptor(
        "ledger_items", help: "Ledger items not closed out: open, close-out requested, and overdue (past the deadline, of both).") }
    static var workers: MetricNameDescriptor { descriptor("workers_alive", help: "Worker processes heard from in the last 30 seconds.") }
    /// Sets the standby's gauges from `lag` (nil: the standby or the primary did not answer;
    /// `replica_up` goes to 0 and the lag keeps its last value).
    func apply(lag: ReplicaLag?) {
        registry.makeGauge(descriptor: Self.replicaUp).set(Double(lag == nil ? 0 : 1))
        guard let lag else { return }
        registry.makeGauge(descriptor: Self.replicaLagSeconds).set(lag.seconds)
        registry.makeGauge(descriptor: Self.replicaLagBytes).set(Double(lag.bytes))
    }

    static var replicaUp: MetricNameDescriptor { descriptor("replica_up", help: "1 when the read standby (--read-database-url) and the primary answered the last lag reading, else 0.") }
    static var replicaLagSeconds: MetricNameDescriptor { descriptor(
        "replica_lag", unit: "seconds", help: "Seconds the read standby's data is behind the primary (0 when it has replayed all the primary had written).") }
    static var replicaLagBytes: MetricNameDescriptor { descriptor(
        "replica_lag", unit: "bytes", help: "WAL bytes the read standby has yet to replay.") }
    static var readingSeconds: MetricNameDescriptor { descriptor("operations_reading", unit: "seconds", help: "Seconds the last database reading took.") }
}
