import Logging
import Postgres
import ServiceLifecycle
import UnixSignals

extension GlobalOptions {
    /// Runs `main` (the worker, the server) with its pool in one `ServiceGroup` until SIGTERM
    /// or SIGINT. Services stop in reverse order: `main` drains first, then the pool closes;
    /// when `main` ends by itself, the group shuts down.
    /// `helpers` (a metrics server) start after the pool and stop before it, after `main`.
    func runUntilSignalled(pool: PostgresClient, helpers: [any Service] = [], main: some Service, logger: Logger) async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: pool)] + helpers.map { .init(service: $0) }
                    + [.init(service: main, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}
