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
/// `Sendable`: the caches are behind a `Mutex`; swift-metrics objects are thread-safe.
public final class JobMetrics: Sendable {
    private let factory: any MetricsFactory
    private let counters = Mutex<[CounterKey: Counter]>([:])
    private let timers = Mutex<[String: Timer]>([:])
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

    func count(_ name: String, kind: String, by amount: Int = 1) {
        guard amount > 0 else { return }
        let key = CounterKey(name: name, kind: kind)
        let counter = counters.withLock { cache in
            if let counter = cache[key] { return counter }
            let counter = Counter(label: name, dimensions: [("kind", kind)], factory: factory)
            cache[key] = counter
            return counter
        }
        counter.increment(by: amount)
    }

    func recordRun(kind: String, duration: Duration) {
        let timer = timers.withLock { cache in
            if let timer = cache[kind] { return timer }
            let timer = Timer(label: "civicq_jobs_run_duration_seconds", dimensions: [("kind", kind)], factory: factory)
            cache[kind] = timer
            return timer
        }
        timer.recordNanoseconds(duration.wholeNanoseconds)
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

/// A counter's name and kind label: the cache's key, looked up on every enqueue (no string
/// is built for it).
private struct CounterKey: Hashable {
    let name: String
    let kind: String
}
