import Casework
import Foundation
import JobQueue
import Postgres
import TestSupport
import Testing

/// The event history partitioned by month (migration 026): where events land, the months
/// made ahead, the default partition emptied into a month when it is made, and archiving.
@Suite("History partitions")
struct HistoryPartitionTests {
    /// The first instant of the UTC month `months` from now's.
    static func monthStart(_ months: Int, on connection: PostgresConnection) throws -> String {
        try connection.query(
            "SELECT to_char(date_trunc('month', now(), 'UTC') + make_interval(months => \(months)::int), 'YYYY-MM-DD\"T\"00:00:00\"Z\"')"
        ).scalar(String.self) ?? ""
    }

    /// A case received at `at` in state `state`, with one event per instant of `events`.
    static func story(_ key: String, state: CaseState, received at: String, events: [String], on connection: PostgresConnection) throws -> Int64 {
        let id = try connection.query(
            """
            INSERT INTO cases (source, external_id, category_code, area_code, title, description, state, received_at)
            VALUES ('test', \(key), '020103', '420102001', '下水道堵塞', '描述', \(state.rawValue)::case_state, \(at)::timestamptz)
            RETURNING id
            """).scalar(Int64.self) ?? 0
        for (index, instant) in events.enumerated() {
            try connection.execute(
                """
                INSERT INTO case_events (case_id, at, actor, kind, public, details)
                VALUES (\(id), \(instant)::timestamptz + make_interval(secs => \(index)), 'test', 'note', false, '{}')
                """)
        }
        return id
    }

    static func places(of id: Int64, on connection: PostgresConnection) throws -> [String] {
        try connection.query("SELECT tableoid::regclass::text FROM case_events WHERE case_id = \(id) ORDER BY id")
            .map { try $0.decode(String.self, at: 0) }
    }

    @Test func eventsLandInTheirMonthAndTheDefaultPartitionEmptiesIntoAMonthWhenItIsMade() async throws {
        try await CaseworkFixture.run(worker: false) { fixture in
            try await fixture.client.withConnection { connection in
                let now = try Self.monthStart(0, on: connection)
                let far = try Self.monthStart(6, on: connection)
                let past = try Self.monthStart(-30, on: connection)
                let id = try Self.story("h1", state: .dispatched, received: past, events: [now, far, past], on: connection)
                let thisMonth = "case_events_y" + now.prefix(4) + "m" + now.dropFirst(5).prefix(2)
                let farMonth = "case_events_y" + far.prefix(4) + "m" + far.dropFirst(5).prefix(2)
                // Made by the migration: this month and three ahead. Six ahead and thirty back:
                // the default partition.
                #expect(try Self.places(of: id, on: connection) == [thisMonth, "case_events_default", "case_events_default"])

                // The worker's job with six months ahead makes three more; the event of the
                // sixth moves out of the default partition into its month, unchanged.
                let before = try connection.query("SELECT id, at, kind FROM case_events WHERE case_id = \(id) ORDER BY id").map {
                    try $0.decode((Int64, Date, String).self)
                }.map { "\($0.0) \($0.1.timeIntervalSince1970) \($0.2)" }
                try connection.execute("UPDATE settings SET value = '6' WHERE key = 'history.months_ahead'")
                #expect(try fixture.store.ensureHistoryPartitions(on: connection) == 3)
                #expect(try fixture.store.ensureHistoryPartitions(on: connection) == 0)
                #expect(try Self.places(of: id, on: connection) == [thisMonth, farMonth, "case_events_default"])
                let after = try connection.query("SELECT id, at, kind FROM case_events WHERE case_id = \(id) ORDER BY id").map {
                    try $0.decode((Int64, Date, String).self)
                }.map { "\($0.0) \($0.1.timeIntervalSince1970) \($0.2)" }
                #expect(after == before)
                #expect(try fixture.store.history(id, on: connection).count == 3)

                // No event is dated more than a day before its case was received (migration
                // 027): the reads by case skip the months before that.
                do {
                    try connection.execute(
                        "INSERT INTO case_events (case_id, at, actor, kind) VALUES (\(id), \(past)::timestamptz - interval '2 days', 'test', 'note')")
                    Issue.record("an event dated before its case was stored")
                } catch let error as PostgresError {
                    #expect(error.sqlState?.rawValue == "CQ422")
                }
                try connection.execute(
                    "INSERT INTO case_events (case_id, at, actor, kind) VALUES (\(id), \(past)::timestamptz - interval '20 hours', 'test', 'note')")
                #expect(try fixture.store.history(id, on: connection).count == 4)
                #expect(try connection.query("SELECT count(*) FROM history_unbounded").scalar(Int.self) == 0)

                // The moved month is as append-only as every other.
                #expect(throws: PostgresError.self) { try connection.execute("DELETE FROM case_events WHERE case_id = \(id)") }
                #expect(throws: PostgresError.self) { try connection.execute("DELETE FROM \(identifier: farMonth)") }
                #expect(throws: PostgresError.self) { try connection.execute("TRUNCATE \(identifier: farMonth)") }

                let months = try fixture.store.historyMonths(on: connection)
                #expect(months.first?.place == .default && months.first?.events == 2)
                #expect(months.filter { $0.place == .live }.count == 7)
            }
        }
    }

    @Test func theWorkerMakesTheMonthsAhead() async throws {
        try await CaseworkFixture.run(worker: false) { fixture in
            try await fixture.setting("history.months_ahead", "5")
            let worker = JobWorker(
                client: fixture.client, store: JobStore(schema: fixture.schema),
                handlers: CaseworkJobs.handlers(client: fixture.client, store: fixture.store),
                configuration: .init(queues: ["figures"], concurrency: 3, pollInterval: .milliseconds(50)), logger: TestDatabase.logger)
            let running = Task { try await worker.run() }
            try await fixture.client.withConnection { try fixture.store.ensureHistoryJob(on: $0) }
            let made = try await TestDatabase.eventually {
                try await fixture.client.withConnection { try fixture.store.historyMonths(on: $0) }.filter { $0.place == .live }.count == 6
            }
            worker.shutdownGracefully()
            try await running.value
            #expect(made, "the history.partitions job should make this month and five ahead")
        }
    }

    @Test func anOldMonthIsArchivedOnlyWhenItsCasesAreFinishedAndItsEventsSealed() async throws {
        try await CaseworkFixture.run(worker: false) { fixture in
            let log = try EventLogFixture(fixture)
            try await fixture.setting("history.keep_months", "2")
            let (old, older, finished, open) = try await fixture.client.withConnection { connection in
                let older = try Self.monthStart(-4, on: connection)
                let old = try Self.monthStart(-3, on: connection)
                _ = try connection.query("SELECT history_partition_make(\(older)::timestamptz), history_partition_make(\(old)::timestamptz)")
                let finished = try Self.story("h2", state: .closed, received: older, events: [older, older, older], on: connection)
                let open = try Self.story("h3", state: .dispatched, received: old, events: [old, old], on: connection)
                return (String(old.prefix(7)), String(older.prefix(7)), finished, open)
            }
            try await log.write(events: 20)
            try await log.seal(batch: 7)

            func archive(_ month: String) async throws -> Int64 {
                try await fixture.client.withConnection { try fixture.store.archiveHistoryMonth(month, on: $0) }
            }
            func refusal(_ month: String) async -> CaseworkError? {
                do { _ = try await archive(month); return nil } catch { return error as? CaseworkError }
            }
            // Within the kept months; a case still open; a month that is not there; not a month.
            let now = String(try await fixture.client.withConnection { try Self.monthStart(0, on: $0) }.prefix(7))
            #expect(await refusal(now)?.code == .wrongState)
            let stillOpen = await refusal(old)
            #expect(stillOpen?.code == .wrongState && stillOpen?.message.contains("case \(open)") == true)
            #expect(await refusal("2001-01")?.code == .notFound)
            #expect(await refusal("2024-13")?.code == .badInput)

            // An event added since the last seal holds its month back until it is sealed.
            let late = try await fixture.client.withConnection { connection in
                try connection.query(
                    """
                    INSERT INTO case_events (case_id, at, actor, kind, public, details)
                    VALUES (\(finished), \(older + "-15")::timestamptz, 'test', 'note', false, '{}') RETURNING id
                    """).scalar(Int64.self) ?? 0
            }
            let unsealed = await refusal(older)
            #expect(unsealed?.code == .wrongState && unsealed?.message.contains("event \(late)") == true)
            try await log.seal(batch: 100)

            #expect(try await archive(older) == 4)
            #expect(await refusal(older)?.code == .wrongState)  // archived already
            try await fixture.client.withConnection { connection in
                #expect(try fixture.store.history(finished, on: connection).isEmpty)
                let months = try fixture.store.historyMonths(on: connection)
                #expect(months.first { $0.month == older }?.place == .archived)
                #expect(try connection.query("SELECT events FROM history_archive WHERE month = \(older + "-01")::date").scalar(Int64.self) == 4)
                // The log still covers the archived month: verified, and exported whole.
                let verification = try connection.transaction(isolation: .repeatableRead, readOnly: true) {
                    try fixture.store.verifyLog(key: log.key.verifierKey, on: $0)
                }
                #expect(verification.proven && verification.checkpointsProven > 0)
                var lines = 0
                let exported = try fixture.store.exportLog(origin: log.key.name, on: connection) { _ in lines += 1 }
                #expect(exported == verification.events && lines > Int(exported))
            }
        }
    }
}
