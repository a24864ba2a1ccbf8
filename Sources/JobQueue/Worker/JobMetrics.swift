public import CoreMetrics
import Postgres
import Metrics
import Synchronization

/// The queue's metrics, through swift-metrics (exported by whatever backend the process
/// bootstraps, Prometheus in civicq). Metric objects are made once per label set and cached.
///
/// | name | type | labels |
/// |---|---|---|
/// | `civicq_jobs_enqueued_total` | counter | kind |
/// | `civicq_jobs_completed_total` | counter | kind |
/// | `civicq_jobs_failed_total` | counter | kind (attempts that failed and will be retried) |
/// | `civicq_jobs_dead_total` | counter | kind |
/// | `civicq_jobs_snoozed_total` | counter | kind |
/// | `civicq_jobs_settle_refused_total` | counter | (outcomes refused: the lease had been lost) |
/// | `civicq_jobs_claim_duration_seconds` | timer | |
/// | `civicq_jobs_run_duration_seconds` | timer | kind |
/// | `civicq_jobs_queue_depth` | gauge | queue, state |
/// | `civicq_jobs_oldest_available_seconds` | gauge | queue |
/// | `civicq_jobs_rescued_total` | counter | (jobs put back after their lease ran out) |
/// | `civicq_jobs_listener_reconnects_total` | counter | |
///
/// The counters and the run timer, by kind, are found without a lock (``ObjectTable``): every
/// enqueue and every settled batch count. The gauges, set once a scrape, are behind a `Mutex`.
///
/// `Sendable`: the tables are lock-free and immutable once an entry is added, the gauges'
/// cache is behind a `Mutex`, and swift-metrics objects are thread-safe.
public final class JobMetrics: Sendable {
    /// The counters by kind.
    enum Counted: Int, CaseIterable {
        case enqueued, completed, failed, dead, snoozed

        var label: String {
            switch self {
            case .enqueued: "civicq_jobs_enqueued_total"
            case .completed: "civicq_jobs_completed_total"
            case .failed: "civicq_jobs_failed_total"
            case .dead: "civicq_jobs_dead_total"
            case .snoozed: "civicq_jobs_snoozed_total"
            }
        }
    }

    private let factory: any MetricsFactory
    /// One table of counters by kind for each of ``Counted``, in its order.
    private let counters = Counted.allCases.map { _ in ObjectTable() }
    private let timers = ObjectTable()
    private let gauges = Mutex<[String: Gauge]>([:])

    let claimDuration: Timer
    let refused: Counter
    let rescued: Counter
    let listenerReconnects: Counter

    /// - Parameter factory: where the metrics go. Default: the factory the process bootstrapped.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        claimDuration = Timer(label: "civicq_jobs_claim_duration_seconds", factory: factory)
        refused = Counter(label: "civicq_jobs_settle_refused_total", factory: factory)
        rescued = Counter(label: "civicq_jobs_rescued_total", factory: factory)
        listenerReconnects = Counter(label: "civicq_jobs_listener_reconnects_total", factory: factory)
    }

    /// One sentence per series above, for exporters that print help texts (swift-metrics
    /// itself carries none).
    public static let helpTexts: [String: String] = [
        "civicq_jobs_enqueued_total": "Jobs enqueued by this process, by kind.",
        "civicq_jobs_completed_total": "Jobs completed by this worker, by kind.",
        "civicq_jobs_failed_total": "Job attempts that failed and will be retried, by kind.",
        "civicq_jobs_dead_total": "Jobs that failed their last attempt (dead), by kind.",
        "civicq_jobs_snoozed_total": "Jobs that asked to run again later, by kind.",
        "civicq_jobs_settle_refused_total": "Outcomes refused because the job's lease had been lost.",
        "civicq_jobs_claim_duration_seconds": "Time one claim statement took.",
        "civicq_jobs_run_duration_seconds": "Time a job's handler ran, by kind.",
        "civicq_jobs_queue_depth": "Jobs in the queue, by queue and state.",
        "civicq_jobs_oldest_available_seconds": "Seconds the oldest available job of a queue has waited since it fell due.",
        "civicq_jobs_rescued_total": "Jobs put back (or declared dead) after their worker's lease ran out.",
        "civicq_jobs_listener_reconnects_total": "Times the LISTEN connection was lost and made again.",
    ]

    func count(_ counted: Counted, kind: String, by amount: Int = 1) {
        guard amount > 0 else { return }
        counters[counted.rawValue].with(kind, make: {
            Counter(label: counted.label, dimensions: [("kind", kind)], factory: factory)
        }) { $0.increment(by: amount) }
    }

    func recordRun(kind: String, duration: Duration) {
        timers.with(kind, make: {
            Timer(label: "civicq_jobs_run_duration_seconds", dimensions: [("kind", kind)], factory: factory)
        }) { $0.recordNanoseconds(duration.wholeNanoseconds) }
    }

    func gauge(_ name: String, _ dimensions: [(String, String)], _ value: Double) {
        let key = name + dimensions.map { "\u{1}\($0.0)=\($0.1)" }.joined()
        let gauge = gauges.withLock { cache in
            if let gauge = cache[key] { return gauge }
            let gauge = Gauge(label: name, dimensions: dimensions, factory: factory)
            cache[key] = gauge
            return gauge
        }
        gauge.record(value)
    }
}
