import Foundation
import Hummingbird
import Logging
import Postgres
import Synchronization

/// `GET /metrics` of `civicq serve`: this process's metrics (HTTP requests, the pool) and
/// the database-wide gauges, read at most once per ``refreshInterval`` however many
/// Prometheus servers scrape (one reading at a time; the others answer from the last one).
/// No key: it carries counts only, no personal data; keep the port off the public network.
final class MetricsRoutes: Sendable {
    let metrics: CivicMetrics
    let client: PostgresClient
    /// The hot standby the dashboard reads, if any: its lag is exported.
    let replica: PostgresClient?
    let schema: String
    let refreshInterval: Duration
    let gauges: OperationsGauges
    let dispatch: DispatchGauges
    /// How often the dispatch gauges are read (a week of events is more than a snapshot).
    let dispatchInterval: Duration = .seconds(600)
    private let lastReading = Mutex<ContinuousClock.Instant?>(nil)
    private let lastDispatchReading = Mutex<ContinuousClock.Instant?>(nil)

    init(metrics: CivicMetrics, client: PostgresClient, replica: PostgresClient? = nil, schema: String, refreshInterval: Duration) {
        self.metrics = metrics
        self.client = client
        self.replica = replica
        self.schema = schema
        self.refreshInterval = refreshInterval
        self.gauges = OperationsGauges(registry: metrics.registry)
        self.dispatch = DispatchGauges(registry: metrics.registry)
    }

    func add(to router: Router<IntakeContext>) {
        router.get("metrics") { [self] _, context in try await self.scrape(logger: context.logger) }
    }

    func scrape(logger: Logger) async throws -> Response {
        let now = ContinuousClock.now
        if Self.due(lastReading, now: now, every: refreshInterval) {
            do {
                gauges.apply(try await OperationsReading.read(client: client, schema: schema))
            } catch {
                logger.warning("metrics: the database reading failed", metadata: ["error": "\(error)"])
                gauges.apply(nil)
            }
            if Self.due(lastDispatchReading, now: now, every: dispatchInterval) {
                do {
                    dispatch.apply(try await DispatchGauges.read(client: client, schema: schema))
                } catch {
                    logger.warning("metrics: the dispatch figures could not be read", metadata: ["error": "\(error)"])
                }
            }
            if let replica {
                do {
                    gauges.apply(lag: try await ReplicaLag.read(primary: client, replica: replica))
                } catch {
                    logger.warning("metrics: the standby's lag could not be read", metadata: ["error": "\(error)"])
                    gauges.apply(lag: nil)
                }
            }
        }
        return metrics.response(pool: client)
    }

    /// Whether a reading last taken at `last` is due again at `now`; if so, `now` becomes its time.
    static func due(_ last: borrowing Mutex<ContinuousClock.Instant?>, now: ContinuousClock.Instant, every interval: Duration) -> Bool {
        last.withLock { last in
            guard last.map({ now - $0 >= interval }) ?? true else { return false }
            last = now
            return true
        }
    }
}
