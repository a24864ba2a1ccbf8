import Casework
import Foundation
import JobQueue
import Postgres
import TestSupport
import Testing

/// Dispatch models as stored, versioned objects (issue 20): adopted only when better on the
/// held-out cases new to the model in use, read back bit for bit, checked weekly; and the
/// optional dispatch by the model, recorded as such, with the return rate by source.
@Suite struct DispatchModelStoreTests {
    static let day: TimeInterval = 86_400

    static func write(_ histories: [FinishedCases], _ fixture: CaseworkFixture) async throws {
        try await fixture.client.withConnection { connection in
            for history in histories { try connection.execute(history.insert) }
        }
    }

    static func learn(_ fixture: CaseworkFixture, store: Bool = true) async throws -> DispatchLearning {
        try await fixture.client.withConnection { connection in
            let until = Date()
            let from = until.addingTimeInterval(-30 * day)
            let count = try fixture.store.dispatchHistoryCount(from: from, until: until, on: connection)
            return try fixture.store.learnDispatchModel(from: from, until: until, count: count, store: store, on: connection)
        }
    }

    @Test func aNewModelIsAdoptedOnlyWhenItDoesBetterOnCasesNewToTheOneInUse() async throws {
        try await CaseworkFixture.run(worker: false) { fixture in
            try await Self.write(FinishedCases.threeUnits(from: Date().addingTimeInterval(-20 * Self.day)), fixture)
            // The first model: nothing in use, so it is adopted.
            let first = try await Self.learn(fixture)
            #expect(first.version == 1 && first.adopted && first.comparison == nil)
            #expect(first.evaluation.trained == 1_200 && first.evaluation.holdout == 300 && first.evaluation.top1 > 0.95)
            // Read back, it is the model trained on the same cases, bit for bit.
            let (record, stored) = try #require(try await fixture.client.withConnection { try fixture.store.dispatchModelInUse(on: $0) })
            let examples = try await fixture.client.withConnection {
                try fixture.store.dispatchHistory(from: Date().addingTimeInterval(-30 * Self.day), until: Date(), on: $0)
            }
            #expect(stored == (try DispatchTrainer().train(DispatchEvaluation.split(examples).train)))
            #expect(record.version == 1 && record.units == ["env", "garden", "water"] && record.windowDays == 30)
            #expect(record.trainedUntil == DispatchEvaluation.split(examples).train.map(\.received).max())

            // The same history again: no better on the same 300 cases, so kept as a record only.
            let again = try await Self.learn(fixture)
            let comparison = try #require(again.comparison)
            #expect(again.version == 2 && !again.adopted)
            #expect(comparison.model == 1 && comparison.cases == 300 && comparison.inUse == comparison.candidate)
            // An evaluation alone stores nothing.
            #expect(try await Self.learn(fixture, store: false).version == nil)

            // A unit the model in use never saw: bicycles, now urban's. The new model learns it
            // from the first of these cases and wins on the latest ones.
            try await Self.write([FinishedCases(unit: "urban", titles: ["共享单车乱停放", "单车堵住盲道"], count: 400,
                                                start: Date().addingTimeInterval(-9 * Self.day), spacing: 20)], fixture)
            let third = try await Self.learn(fixture)
            let won = try #require(third.comparison)
            #expect(third.version == 3 && third.adopted && won.model == 1 && won.cases == 380)
            #expect(won.inUse.top1 == 0 && won.candidate.top1 > 0.95)
            let rows = try await fixture.client.withConnection { connection in
                try connection.query("SELECT version, adopted, weights IS NULL FROM dispatch_models ORDER BY version").map {
                    try $0.decode((Int, Bool, Bool).self)
                }
            }
            #expect(rows.map(\.0) == [1, 2, 3] && rows.map(\.1) == [true, false, true] && rows.map(\.2) == [false, true, false])
            let models = try await fixture.client.withConnection { try fixture.store.dispatchModels(on: $0) }
            #expect(models.map(\.version) == [3, 2, 1] && models[1].compared?.cases == 300)
            #expect(try await fixture.client.withConnection { try fixture.store.dispatchModelVersionInUse(on: $0) } == 3)

            // The weekly check: recent bicycle cases, finished in the last week, new to model 3.
            try await Self.write([FinishedCases(unit: "urban", titles: ["共享单车乱停放", "单车堵住盲道"], count: 40,
                                                start: Date().addingTimeInterval(-2 * Self.day), spacing: 30)], fixture)
            let check = try #require(try await fixture.client.withConnection { try fixture.store.checkDispatchModel(on: $0) })
            #expect(check.model == 3 && check.cases >= 40 && check.agreed == check.cases)
            #expect(check.evaluatedTop1 == third.evaluation.top1)
            let latest = try await fixture.client.withConnection { try fixture.store.latestDispatchCheck(on: $0) }
            #expect(latest?.model == 3 && latest?.cases == check.cases && latest?.agreed == check.agreed)
        }
    }

    @Test func theWorkerChecksAndLearnsEveryWeek() async throws {
        try await CaseworkFixture.run(worker: false) { fixture in
            try await Self.write(FinishedCases.threeUnits(from: Date().addingTimeInterval(-20 * Self.day)), fixture)
            try await fixture.client.withConnection { try fixture.store.ensureDispatchLearnJob(on: $0) }
            // Its first run is ten minutes away; brought forward to now, a worker on the
            // figures queue learns the first model and puts the job to sleep for a week.
            let (state, inMinutes) = try await fixture.client.withConnection { connection in
                try connection.query("SELECT state::text, extract(epoch FROM run_at - now()) / 60 FROM jobs WHERE kind = 'dispatch.learn'")
                    .first.map { try $0.decode((String, Double).self) }
            } ?? ("none", 0)
            #expect(state == "scheduled" && (9...10).contains(inMinutes))
            try await fixture.client.withConnection {
                try $0.execute("UPDATE jobs SET run_at = now(), state = 'available' WHERE kind = 'dispatch.learn'")
            }
            let worker = JobWorker(
                client: fixture.client, store: JobStore(schema: fixture.schema),
                handlers: CaseworkJobs.handlers(client: fixture.client, store: fixture.store),
                configuration: .init(queues: ["figures"], concurrency: 1, pollInterval: .milliseconds(50)), logger: TestDatabase.logger)
            let running = Task { try await worker.run() }
            let slept = try await TestDatabase.eventually {
                try await fixture.client.withConnection { connection in
                    try connection.query(
                        "SELECT count(*) FROM jobs WHERE kind = 'dispatch.learn' AND state = 'scheduled' AND run_at > now() + interval '6 days'"
                    ).scalar(Int.self) == 1
                }
            }
            worker.shutdownGracefully()
            try await running.value
            #expect(slept)
            let models = try await fixture.client.withConnection { try fixture.store.dispatchModels(on: $0) }
            #expect(models.map(\.version) == [1] && models.first?.adopted == true && models.first?.windowDays == 365)
        }
    }

    @Test func tooFewUnitsOrCasesChangeNothing() async throws {
        try await CaseworkFixture.run(worker: false) { fixture in
            try await Self.write([FinishedCases(unit: "water", titles: ["水管漏水"], count: 1_300,
                                                start: Date().addingTimeInterval(-20 * Self.day), spacing: 10)], fixture)
            await #expect(throws: CaseworkError.self) { _ = try await Self.learn(fixture) }
            #expect(try await fixture.client.withConnection { try fixture.store.dispatchModels(on: $0) }.isEmpty)
            #expect(try await fixture.client.withConnection { try fixture.store.checkDispatchModel(on: $0) } == nil)
        }
    }

    @Test func aCaseNoRuleMatchedGoesToTheModelsChoiceWhenSetAndSaysSo() async throws {
        try await CaseworkFixture.run { fixture in
            try await Self.write(FinishedCases.threeUnits(from: Date().addingTimeInterval(-20 * Self.day)), fixture)
            let version = try #require(try await Self.learn(fixture).version)
            let garden = try await fixture.person(.handler, of: "garden")
            let dispatcher = try await fixture.person(.dispatcher, of: "desk")
            // Off by default: no rule and no backstop for the area, so the desk.
            let off = try await fixture.submit(CaseworkFixture.complaint(category: "990101", area: "999999", title: "树木倒伏", description: "路边的树倒了"))
            try await fixture.waitFor(off, .manualDispatch)

            try await fixture.setting("dispatch.auto_threshold", "0.5")
            // A new rule set makes the worker read the settings again at once.
            try await fixture.client.withConnection {
                _ = try fixture.store.importRoutes(try RoutesFile.parse(try CaseworkFixture.example("routes.yaml")), source: "again", on: $0)
            }
            let on = try await fixture.submit(CaseworkFixture.complaint(category: "990101", area: "999999", title: "树枝挡路", description: "树枝挡住了人行道"))
            try await fixture.waitFor(on, .dispatched)
            let event = try await fixture.client.withConnection { connection in
                try connection.query(
                    """
                    SELECT department_code, actor, details ->> 'source', (details ->> 'model')::integer, (details ->> 'probability')::float8, reason
                    FROM case_events WHERE case_id = \(on) AND kind = 'dispatched'
                    """).first.map { try $0.decode((String, String, String?, Int?, Double?, String).self) }
            }
            #expect(event?.0 == "garden" && event?.1 == "router" && event?.2 == "model" && event?.3 == version)
            #expect((event?.4 ?? 0) >= 0.5 && event?.5.hasPrefix("no rule matched; dispatch model \(version) put garden first") == true)

            // Returned: no other unit is likely enough, so the desk, which sees the model's
            // next choice (never the unit that returned it).
            _ = try await fixture.as(garden) { try $1.return(on, reasonCode: "not_our_duty", text: "不是绿化问题", on: $0) }
            try await fixture.waitFor(on, .manualDispatch)
            let suggestions = try await fixture.as(dispatcher) { connection, store in
                var filter = CaseFilter()
                filter.states = [.manualDispatch]
                return try store.deskSuggestions(try store.list(filter, on: connection), on: connection)
            }
            #expect(suggestions[off]?.unit == "garden")
            #expect(suggestions[on] != nil && suggestions[on]?.unit != "garden")
            // The desk assigns the first case.
            _ = try await fixture.as(dispatcher) { try $1.assign(off, lead: "garden", assists: [], reason: "绿化", on: $0) }

            // By source: the model's one dispatch was returned, the desk's was not.
            let sources = try await fixture.as(dispatcher) { connection, store in
                let today = try store.today(on: connection)
                return try store.dispatchSources(try FigurePeriod(first: today.adding(days: -1), last: today), on: connection)
            }
            #expect(sources.first { $0.source == "model" } == DispatchSourceFigures(source: "model", dispatches: 1, returned: 1))
            #expect(sources.first { $0.source == "desk" } == DispatchSourceFigures(source: "desk", dispatches: 1, returned: 0))
            #expect(sources.first { $0.source == "rule" } == nil)
        }
    }
}
