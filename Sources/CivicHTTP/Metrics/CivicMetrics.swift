public import Hummingbird
public import Postgres
public import Prometheus
import JobQueue
import Synchronization

/// One process's metrics: a Prometheus registry of its own (no global bootstrap, so tests
/// may make many), the swift-metrics factory over it for the job queue's metrics, and the
/// database pools' counts read at each scrape. `docs/operations.md` lists every series.
///
/// `Sendable`: the registry is thread-safe; the pools' last-seen counts are behind a `Mutex`.
public final class CivicMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// For swift-metrics users in this process (`JobMetrics(factory:)`).
    public let factory: PrometheusMetricsFactory
    private let seen = Mutex<[String: PostgresPoolStatistics]>([:])
    private let http = Mutex<[HTTPKey: HTTPSeries]>([:])

    struct HTTPKey: Hashable {
        let method: String
        let route: String
        let status: Int
    }

    /// A request's counter and timer, made once per method, route and status: the registry
    /// checks names and labels each time it is asked, which is too much for every request.
    struct HTTPSeries: Sendable {
        let requests: Counter
        let duration: DurationHistogram
    }

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // A claim takes milliseconds; a job from milliseconds to minutes.
        factory.durationHistogramBuckets = [
            "civicq_jobs_claim_duration_seconds": [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500].map { .milliseconds($0) },
            "civicq_jobs_run_duration_seconds": [1, 5, 10, 50, 100, 500, 1000, 5000, 10_000, 30_000, 120_000].map { .milliseconds($0) },
        ]
        self.factory = factory
    }

    /// The text exposition (format 0.0.4) of everything registered. Series made through
    /// swift-metrics carry no help text there; theirs is added from ``helpTexts``.
    public func exposition() -> [UInt8] {
        var out: [UInt8] = []
        let text = registry.emitToBuffer()
        out.reserveCapacity(text.count + 1024)
        var lineStart = 0
        var afterHelp = false
        for index in text.indices where text[index] == UInt8(ascii: "\n") {
            let line = text[lineStart...index]
            lineStart = index + 1
            if line.starts(with: Self.typePrefix), !afterHelp {
                let name = String(decoding: line.dropFirst(Self.typePrefix.count).prefix { $0 != UInt8(ascii: " ") }, as: UTF8.self)
                if let help = Self.helpTexts[name] { out.append(contentsOf: Array("# HELP \(name) \(help)\n".utf8)) }
            }
            afterHelp = line.starts(with: Self.helpPrefix)
            out.append(contentsOf: line)
        }
        return out
    }

    /// `GET /metrics`'s answer: the pool's counts copied in, then the exposition.
    public func response(pool: PostgresClient) -> Response {
        observe(pool: pool)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: .init(bytes: exposition())))
    }

    private static let typePrefix = Array("# TYPE ".utf8)
    private static let helpPrefix = Array("# HELP ".utf8)

    /// Help texts of the series made through swift-metrics (the job queue's, which it
    /// documents next to their names).
    static let helpTexts = JobMetrics.helpTexts

    func httpSeries(
        method: String, route: String, status: Int, make: (String, String, Int) -> (Counter, DurationHistogram)
    ) -> HTTPSeries {
        let key = HTTPKey(method: method, route: route, status: status)
        if let series = http.withLock({ $0[key] }) { return series }
        let (requests, duration) = make(method, route, status)
        let series = HTTPSeries(requests: requests, duration: duration)
        http.withLock { $0[key] = series }
        return series
    }

    /// Copies a pool's counts into `civicq_db_pool_*` (call before each exposition).
    public func observe(pool: PostgresClient) {
        let name = pool.configuration.name
        let now = pool.statistics
        let before = seen.withLock { seen in
            defer { seen[name] = now }
            return seen[name]
        }
        let labels = [("pool", name)]
        for (state, value) in [("in_use", now.leased), ("idle", now.size - now.leased)] {
            registry.makeGauge(descriptor: Self.poolConnections, labels: labels + [("state", state)]).set(Double(value))
        }
        registry.makeGauge(descriptor: Self.poolWaiting, labels: labels).set(Double(now.waiting))
        let waits = registry.makeCounter(descriptor: Self.poolWaits, labels: labels)
        let waited = registry.makeCounter(descriptor: Self.poolWaitSeconds, labels: labels)
        let leases = registry.makeCounter(descriptor: Self.poolLeases, labels: labels)
        waits.increment(by: Int64(now.waits - (before?.waits ?? 0)))
        leases.increment(by: Int64(now.leases - (before?.leases ?? 0)))
        waited.increment(by: now.waitSeconds - (before?.waitSeconds ?? 0))
    }

    static func descriptor(_ name: String, unit: String = "", help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "civicq", metricName: name, unitName: unit, helpText: help)
    }

    static var poolConnections: MetricNameDescriptor { descriptor("db_pool_connections", help: "Connections of the process's database pool, in use or idle.") }
    static var poolWaiting: MetricNameDescriptor { descriptor("db_pool_waiting", help: "Callers waiting for a database connection now.") }
    static var poolWaits: MetricNameDescriptor { descriptor("db_pool_waits", unit: "total", help: "Leases that waited in line for a database connection.") }
    static var poolWaitSeconds: MetricNameDescriptor { descriptor(
        "db_pool_wait_seconds", unit: "total", help: "Seconds spent waiting in line for a database connection.") }
    static var poolLeases: MetricNameDescriptor { descriptor("db_pool_leases", unit: "total", help: "Database connections lent out by the pool.") }
}
