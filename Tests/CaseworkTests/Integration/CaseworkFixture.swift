import Casework
import Foundation
import JobQueue
import Logging
import Postgres
import Synchronization
import TestSupport
import Testing

/// A migrated schema with the example city loaded (departments without their people, the
/// categories, the calendar, the rules), a worker running the casework jobs, and helpers to
/// act as people connected with their own logins. Logins are made per test and dropped after.
final class CaseworkFixture: Sendable {
    let client: PostgresClient
    let schema: String
    let store: CaseworkStore
    private let logins = Mutex<[String]>([])

    init(client: PostgresClient, schema: String) {
        self.client = client
        self.schema = schema
        self.store = CaseworkStore(schema: schema)
    }

    static var examples: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("deploy/examples")
    }

    static func example(_ name: String) throws -> String {
        try String(contentsOf: examples.appendingPathComponent(name), encoding: .utf8)
    }

    /// Runs `body` with the fixture; with `worker`, a casework worker runs meanwhile.
    static func run(worker: Bool = true, _ body: (CaseworkFixture) async throws -> Void) async throws {
        var fixture: CaseworkFixture?
        do {
            try await TestDatabase.withMigratedSchema(size: 8) { client, schema in
                let made = CaseworkFixture(client: client, schema: schema)
                fixture = made
                try await made.loadExamples()
                guard worker else { return try await body(made) }
                let jobWorker = made.worker(client: client, concurrency: 8)
                let running = Task { try await jobWorker.run() }
                do {
                    try await body(made)
                } catch {
                    jobWorker.shutdownGracefully()
                    _ = await running.result
                    throw error
                }
                jobWorker.shutdownGracefully()
                try await running.value
            }
        } catch {
            try? await fixture?.dropLogins()
            throw error
        }
        try await fixture?.dropLogins()
    }

    /// A worker running the casework's jobs (routing, clocks, webhooks) on `client`.
    func worker(client: PostgresClient, concurrency: Int) -> JobWorker {
        JobWorker(
            client: client, store: JobStore(schema: schema),
            handlers: CaseworkJobs.handlers(client: client, store: store, webhookTimeout: .seconds(2)),
            configuration: .init(queues: ["routing", "clocks", "webhooks"], concurrency: concurrency, pollInterval: .milliseconds(50)),
            logger: TestDatabase.logger)
    }

    func loadExamples() async throws {
        let directory = try DirectoryFile.parse(try Self.example("departments.yaml")).withoutPeople
        let categories = try CategoriesFile.parse(try Self.example("categories.yaml"))
        let calendar = try CalendarFile.parse(try Self.example("calendar.yaml"))
        let routes = try RoutesFile.parse(try Self.example("routes.yaml"))
        let tree = directory
        try await client.withConnection { connection in
            _ = try store.importDepartments(tree, on: connection)
            _ = try store.importCategories(categories, on: connection)
            _ = try store.importCalendar(calendar, on: connection)
            _ = try store.importRoutes(routes, source: "examples", on: connection)
        }
    }

    /// A new person (a login of their own) in `department` with `role`.
    func person(_ role: StaffRole, of department: String) async throws -> String {
        let login = TestDatabase.uniqueName(role.rawValue)
        logins.withLock { $0.append(login) }
        try await client.withConnection { try store.addUser(login: login, department: department, role: role, on: $0) }
        return login
    }

    /// Runs `body` on a connection of `login`'s own (not SET ROLE: they cannot step out of it).
    func `as`<R: Sendable>(_ login: String, _ body: @escaping @Sendable (PostgresConnection, CaseworkStore) throws -> R) async throws -> R {
        let configuration = try TestDatabase.configuration(schema: schema, user: login)
        let own = PostgresClient(configuration: .init(connection: configuration, size: 1), logger: TestDatabase.logger)
        do {
            let value = try await own.withConnection { [store] in try body($0, store) }
            await own.close()
            return value
        } catch {
            await own.close()
            throw error
        }
    }

    func submit(_ complaint: NewCase) async throws -> Int64 {
        try await client.withConnection { [store] in try store.submit(complaint, on: $0).id }
    }

    static func complaint(
        _ id: String = UUID().uuidString, category: String = "020103", area: String = "420102001", title: String = "下水道堵塞",
        description: String = "小区门口下水道堵塞，污水漫到路上", receivedAt: Date? = nil
    ) -> NewCase {
        NewCase(source: "hotline", externalID: id, category: category, area: area, title: title, description: description,
                citizenName: "张三", citizenPhone: "13812345678", receivedAt: receivedAt)
    }

    /// A new water case, routed, accepted and resolved by `handler`: its callback is open.
    func resolvedCase(by handler: String) async throws -> Int64 {
        let id = try await submit(Self.complaint())
        try await waitFor(id, .dispatched)
        _ = try await self.as(handler) { try $1.accept(id, on: $0) }
        _ = try await self.as(handler) { try $1.resolve(id, reply: "已处理", on: $0) }
        return id
    }

    /// A new water case returned by the water company (`water` logs in as its handler), routed
    /// again to the district's backstop and returned by it (`district`): at the desk.
    func returnedTwiceToTheDesk(water: String, district: String, title: String = "下水道堵塞") async throws -> Int64 {
        let id = try await submit(Self.complaint(title: title))
        try await waitFor(id, .dispatched)
        _ = try await self.as(water) { try $1.return(id, reasonCode: "not_our_duty", text: "属于小区物业", on: $0) }
        // Routed again without the water company: no other rule matches, so the district's backstop.
        let rerouted = try await TestDatabase.eventually { try await self.client.withConnection {
            try $0.query("SELECT lead_department FROM cases WHERE id = \(id)").scalar(String?.self) ?? nil } == "ja" }
        #expect(rerouted)
        try await waitFor(id, .dispatched)
        _ = try await self.as(district) { try $1.return(id, reasonCode: "wrong_area", text: "不在本区", on: $0) }
        try await waitFor(id, .manualDispatch)
        return id
    }

    func state(of id: Int64) async throws -> CaseState? {
        try await client.withConnection { try $0.query("SELECT state FROM cases WHERE id = \(id)").scalar(CaseState.self) }
    }

    /// Waits until the case is in `state` (the worker runs asynchronously).
    func waitFor(_ id: Int64, _ state: CaseState) async throws {
        let reached = try await TestDatabase.eventually { try await self.state(of: id) == state }
        let actual = try await self.state(of: id)
        #expect(reached, "case \(id) should be \(state.rawValue), is \(actual?.rawValue ?? "missing")")
    }

    func eventKinds(of id: Int64) async throws -> [String] {
        try await client.withConnection { connection in
            try connection.query("SELECT kind FROM case_events WHERE case_id = \(id) ORDER BY id").map { try $0.decode(String.self, at: 0) }
        }
    }

    func setting(_ key: String, _ json: String) async throws {
        try await client.withConnection { try $0.execute("UPDATE settings SET value = \(json)::jsonb WHERE key = \(key)") }
    }

    /// Brings the next try of the case's pending callback to now, as if its retry spacing
    /// (migration 028 refuses an earlier "unreachable") had passed.
    func callbackDueNow(_ id: Int64) async throws {
        try await client.withConnection { try $0.execute("UPDATE callbacks SET next_try_at = now() WHERE case_id = \(id) AND state = 'pending'") }
    }

    func dropLogins() async throws {
        let all = logins.withLock { $0 }
        try await TestDatabase.asAdmin { [schema] connection in
            for login in all { try connection.execute("DROP ROLE IF EXISTS \(identifier: login)") }
            try connection.execute("DROP ROLE IF EXISTS \(identifier: "\(schema)_staff")")
        }
    }
}
