import Hummingbird
import Postgres

/// `/healthz`: the process answers. `/readyz`: the database answers and every migration this
/// program knows is applied (503 otherwise, so a load balancer holds traffic back).
struct HealthRoutes: Sendable {
    let client: PostgresClient
    let migrator: PostgresMigrator

    func add(to router: Router<IntakeContext>) {
        router.get("healthz") { _, _ in try JSONBody.response(["status": "ok"]) }
        router.get("readyz") { _, _ in try await ready() }
    }

    @Sendable func ready() async throws -> Response {
        let statuses: [PostgresMigrationStatus]
        do {
            statuses = try await migrator.status(using: client)
        } catch {
            return try JSONBody.response(["status": "unavailable", "reason": "the database does not answer"], status: .serviceUnavailable)
        }
        let pending = statuses.filter { $0.state == .pending }.count
        guard pending == 0 else {
            return try JSONBody.response(["status": "unavailable", "reason": "\(pending) migrations are pending: run civicq migrate"], status: .serviceUnavailable)
        }
        return try JSONBody.response(["status": "ready"])
    }
}
