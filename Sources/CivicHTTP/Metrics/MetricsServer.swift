public import Hummingbird
public import Logging
public import Postgres

/// The small HTTP server a `civicq worker` runs with `--metrics-port`: `GET /metrics` (this
/// process's jobs, claim and run times, pool and listener) and `GET /healthz`. The
/// database-wide gauges come from `civicq serve`'s `/metrics`, not from here.
public struct MetricsServer: Sendable {
    let metrics: CivicMetrics
    let pool: PostgresClient
    let host: String
    let port: Int
    let logger: Logger

    public init(metrics: CivicMetrics, pool: PostgresClient, host: String, port: Int, logger: Logger) {
        self.metrics = metrics
        self.pool = pool
        self.host = host
        self.port = port
        self.logger = logger
    }

    /// The application, to run in a `ServiceGroup` (it stops on graceful shutdown).
    public func application() -> some ApplicationProtocol {
        let router = Router()
        router.get("metrics") { [metrics, pool] _, _ in metrics.response(pool: pool) }
        router.get("healthz") { _, _ in try JSONBody.response(["status": "ok"]) }
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "civicq-worker"), logger: logger)
    }
}
