import Logging
import Postgres
import ServiceLifecycle
import UnixSignals

extension GlobalOptions {
    /// Runs `main` (the worker, the server) with its pool in one `ServiceGroup` until SIGTERM
    /// or SIGINT. Services stop in reverse order: `main` drains first, then the pool closes;
    /// when `main` ends by itself, the group shuts down.
    func runUntilSignalled(pool: PostgresClient, main: some Service, logger: Logger) async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: pool), .init(service: main, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}
