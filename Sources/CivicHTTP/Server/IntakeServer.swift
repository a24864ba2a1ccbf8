import Casework
import CivicSchema
import Foundation
public import Hummingbird
public import Logging
public import Postgres

/// civicq's HTTP server: `/v1` (the native intake API), `/open311/v2` (GeoReport v2),
/// `/healthz`, `/readyz`, `/metrics`, `/dashboard` and `/openapi.yaml`. Built from a pool it does not own; every
/// database call goes through the pool's own threads, never the event loop.
public struct IntakeServer: Sendable {
    public let configuration: ServerConfiguration
    let client: PostgresClient
    /// A hot standby for the dashboard's reads (`--read-database-url`); nil: the primary.
    let readClient: PostgresClient?
    let schema: String
    let gatekeeper: Gatekeeper
    let validator: IntakeValidator
    let logger: Logger
    /// This process's metrics, served at `/metrics`.
    public let metrics: CivicMetrics

    /// - Parameter readClient: a pool on a hot standby for the dashboard (its lag is a metric).
    /// - Throws: when the bundled case schema cannot be read (a build mistake).
    public init(
        configuration: ServerConfiguration, client: PostgresClient, readClient: PostgresClient? = nil, schema: String,
        metrics: CivicMetrics = CivicMetrics(), logger: Logger
    ) throws {
        self.configuration = configuration
        self.metrics = metrics
        self.client = client
        self.readClient = readClient
        self.schema = schema
        self.logger = logger
        self.gatekeeper = Gatekeeper(
            authenticator: APIKeyAuthenticator(client: client, store: APIKeyStore(schema: schema), cacheTTL: configuration.keyCacheTTL),
            failures: AuthFailureLimiter(limit: configuration.authFailuresPerMinute))
        self.validator = IntakeValidator(schema: try JSONSchema(data: try CivicSchema.jsonSchema(named: "case.schema.json")))
    }

    /// Every route the server answers, as `METHOD /path` with the templates of
    /// `schemas/openapi.yaml` (a test checks the two agree, and that the router has each one).
    public static let routes: [String] = [
        "GET /healthz", "GET /readyz", "GET /openapi.yaml", "GET /metrics", "GET /dashboard",
        "POST /v1/cases", "GET /v1/cases", "POST /v1/cases:batch", "GET /v1/cases/{id}", "GET /v1/cases/{id}/events",
        "POST /v1/cases/{id}/callback", "POST /v1/cases/{id}/withdraw",
        "GET /open311/v2/discovery.{format}", "GET /open311/v2/services.{format}", "GET /open311/v2/services/{service_code}.{format}",
        "GET /open311/v2/requests.{format}", "POST /open311/v2/requests.{format}",
        "GET /open311/v2/requests/{service_request_id}.{format}", "GET /open311/v2/tokens/{token}.{format}",
    ]

    /// Every route, behind request logging and problem documents.
    public func router() throws -> Hummingbird.Router<IntakeContext> {
        let router = Hummingbird.Router(context: IntakeContext.self)
        router.add(middleware: HTTPMetricsMiddleware(metrics: metrics))
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: ProblemMiddleware())
        HealthRoutes(client: client, migrator: try CivicSchema.migrator(schema: schema)).add(to: router)
        MetricsRoutes(metrics: metrics, client: client, replica: readClient, schema: schema, refreshInterval: configuration.metricsRefresh)
            .add(to: router)
        let document = try CivicSchema.openAPI()
        router.get("openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: .init(bytes: document)))
        }
        DashboardRoutes(client: readClient ?? client, primary: readClient == nil ? nil : client, schema: schema, gatekeeper: gatekeeper)
            .add(to: router)
        let store = CaseworkStore(schema: schema)
        CaseRoutes(client: client, store: store, validator: validator, configuration: configuration)
            .add(to: router.group("v1").add(middleware: APIKeyMiddleware(gatekeeper: gatekeeper)))
        Open311Routes(client: client, store: store, gatekeeper: gatekeeper, validator: validator, configuration: configuration)
            .add(to: router.group("open311/v2"))
        return router
    }

    /// The application, to run in a `ServiceGroup` (it stops on graceful shutdown).
    public func application() throws -> some ApplicationProtocol {
        Application(
            router: try router(),
            // The idle timeout is also the head's: a client that sends its head a byte at a time
            // emits no part and is closed (the body's timeout is BodyReader's).
            server: .http1(configuration: .init(idleTimeout: .nanoseconds(
                configuration.headerTimeout.components.seconds * 1_000_000_000 + configuration.headerTimeout.components.attoseconds / 1_000_000_000))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "civicq"),
            logger: logger)
    }
}
