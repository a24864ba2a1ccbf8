import Casework
import Foundation
import Postgres
import TestSupport
import Testing

/// The clocks' jobs (migration 030): routing enqueues one clock job per case, for the clock
/// whose first stage comes first, carrying the other; that job schedules the other when it
/// fires, unless the other is met or its deadline moved.
@Suite struct ClockTests {
    /// The clock jobs of a case: clock, stage, run time, and the follow-on clock and deadline.
    static func clockJobs(of id: Int64, on connection: PostgresConnection) throws -> [ClockJob] {
        try connection.query(
            """
            SELECT payload->>'clock', payload->>'stage', run_at, payload->'then'->>'clock',
                   (payload->'then'->>'due')::timestamptz
            FROM jobs WHERE kind = 'case.clock' AND payload->>'case' = \(String(id)) ORDER BY id
            """
        ).map { ClockJob(try $0.decode((String, String, Date, String?, Date?).self)) }
    }

    struct ClockJob: Equatable {
        let clock: String, stage: String, runAt: Date, then: String?, thenDue: Date?
        init(_ row: (String, String, Date, String?, Date?)) {
            (clock, stage, runAt, then, thenDue) = row
        }
    }

    /// Fires the case's first clock job as the worker's `case.clock` handler does.
    static func fireFirst(_ id: Int64, on connection: PostgresConnection) throws -> String? {
        try connection.query(
            """
            SELECT clock_fire(\(id), payload->>'clock', payload->>'stage', (payload->>'due')::timestamptz,
                              payload->'then'->>'clock', (payload->'then'->>'due')::timestamptz)
            FROM jobs WHERE kind = 'case.clock' AND payload->>'case' = \(String(id)) ORDER BY id LIMIT 1
            """
        ).scalar(String.self)
    }

    @Test func routingEnqueuesOneClockJobThatSchedulesTheOther() async throws {
        try await CaseworkFixture.run { fixture in
            let id = try await fixture.submit(CaseworkFixture.complaint())
            try await fixture.waitFor(id, .dispatched)
            try await fixture.client.withConnection { connection in
                let (response, resolution, received) = try connection.query(
                    "SELECT response_due, resolution_due, received_at FROM cases WHERE id = \(id)")[0].decode((Date, Date, Date).self)
                let first = try Self.clockJobs(of: id, on: connection)
                #expect(first.map(\.clock) == ["response"])
                #expect(first.first?.stage == "warn")
                #expect(first.first?.then == "resolution")
                #expect(abs((first.first?.thenDue ?? .distantPast).timeIntervalSince(resolution)) < 0.001)

                // Fired (early: a warning), it warns, schedules its deadline, and schedules the
                // resolution clock's warning.
                #expect(try Self.fireFirst(id, on: connection) == "warned")
                let after = try Self.clockJobs(of: id, on: connection)
                #expect(after.map { "\($0.clock) \($0.stage)" } == ["response warn", "response due", "resolution warn"])
                guard after.count == 3 else { return }
                #expect(abs(after[1].runAt.timeIntervalSince(response)) < 0.001)
                let warnAt = received.addingTimeInterval(resolution.timeIntervalSince(received) * 0.8)
                #expect(abs(after[2].runAt.timeIntervalSince(warnAt)) < 0.001)
                #expect(after.dropFirst().allSatisfy { $0.then == nil })
            }
        }
    }

    @Test func theOtherClockIsNotScheduledWhenMetOrMoved() async throws {
        try await CaseworkFixture.run { fixture in
            let handler = try await fixture.person(.handler, of: "water")
            let accepted = try await fixture.submit(CaseworkFixture.complaint(title: "水管漏水一"))
            let moved = try await fixture.submit(CaseworkFixture.complaint(title: "水管漏水二"))
            try await fixture.waitFor(accepted, .dispatched)
            let resolved = try await fixture.submit(CaseworkFixture.complaint(title: "水管漏水三"))
            try await fixture.waitFor(moved, .dispatched)
            try await fixture.waitFor(resolved, .dispatched)
            #expect(try await fixture.as(handler) { try $1.accept(accepted, on: $0) } == .accepted)
            #expect(try await fixture.as(handler) { try $1.accept(resolved, on: $0) } == .accepted)
            _ = try await fixture.as(handler) { try $1.resolve(resolved, reply: "已修好", on: $0) }
            try await fixture.client.withConnection { connection in
                // The response clock is met: its job says so and still schedules the resolution clock.
                #expect(try Self.fireFirst(accepted, on: connection) == "met")
                #expect(try Self.clockJobs(of: accepted, on: connection).map(\.clock) == ["response", "resolution"])
                // Both clocks are met once the case is resolved: nothing is scheduled.
                #expect(try Self.fireFirst(resolved, on: connection) == "met")
                #expect(try Self.clockJobs(of: resolved, on: connection).map(\.clock) == ["response"])
                // The resolution deadline moved since routing (as an approved extension moves
                // it, which schedules its own clock): the job does not schedule the old one.
                try connection.execute("UPDATE cases SET resolution_due = resolution_due + interval '5 days' WHERE id = \(moved)")
                #expect(try Self.fireFirst(moved, on: connection) == "warned")
                #expect(try Self.clockJobs(of: moved, on: connection).map { "\($0.clock) \($0.stage)" } == ["response warn", "response due"])
                // A job for a case that is no longer there changes nothing.
                #expect(try connection.query("SELECT clock_fire(0, 'response', 'due', now(), 'resolution', now())").scalar(String.self) == "gone")
            }
        }
    }

    @Test func theFirstJobIsTheEarlierClocksAndCarriesTheOther() async throws {
        try await TestDatabase.withMigratedSchema(size: 1) { client, _ in
            try await client.withConnection { connection throws in
                func first(_ response: String?, _ resolution: String?) throws -> [String] {
                    try connection.query(
                        PostgresQuery(unsafeSQL: """
                            SELECT concat_ws(' ', payload->>'clock', payload->>'stage', payload->'then'->>'clock')
                            FROM clock_first_job(7, now(), now() + \(response.map { "interval '\($0)'" } ?? "NULL"),
                                                 now() + \(resolution.map { "interval '\($0)'" } ?? "NULL"), 0.8)
                            """)
                    ).map { try $0.decode(String.self, at: 0) }
                }
                #expect(try first("2 hours", "24 hours") == ["response warn resolution"])
                // A resolution warning before the response one: the resolution clock goes first.
                #expect(try first("10 hours", "5 hours") == ["resolution warn response"])
                // The same time: response first.
                #expect(try first("5 hours", "5 hours") == ["response warn resolution"])
                #expect(try first(nil, "5 hours") == ["resolution warn"])
                #expect(try first("5 hours", nil) == ["response warn"])
                #expect(try first(nil, nil) == [])
                // Both already past: both deadlines are due now, the response clock first.
                #expect(try first("-2 hours", "-1 hours") == ["response due resolution"])
                // The job is clock_job's for the clock chosen, carrying the other's deadline as
                // clock_job writes it (migration 033 makes only the chosen one).
                let same = try connection.query(
                    """
                    WITH t(response, resolution) AS (SELECT now() + interval '2 hours', now() + interval '24 hours')
                    SELECT f.run_at = r.run_at AND f.unique_key = r.unique_key AND f.payload - 'then' = r.payload
                           AND f.payload -> 'then' = jsonb_build_object('clock', 'resolution', 'due', o.payload ->> 'due')
                    FROM t, clock_first_job(7, now(), t.response, t.resolution, 0.8) AS f,
                         clock_job(7, 'response', now(), t.response, 0.8) AS r, clock_job(7, 'resolution', now(), t.resolution, 0.8) AS o
                    """).scalar(Bool.self)
                #expect(same == true)
            }
        }
    }
}
