import Casework
import Foundation
import JobQueue
import Postgres
import Testing
import TestSupport

/// 并单 against PostgreSQL: candidates as each person may see them, the lead department's
/// merge, children called back when their parent is resolved, figures that count the parent
/// once, and the automatic merge of exact repeats.
@Suite("Duplicates (并单)", .timeLimit(.minutes(3)))
struct DuplicateTests {
    static let drain = "幸福路12号小区门口下水道堵塞，污水漫到人行道上，已经三天了"

    static func complaint(_ description: String, area: String = "420102001001", phone: String = "13812345678", address: String? = "幸福路12号")
        -> NewCase
    {
        var complaint = CaseworkFixture.complaint(area: area, description: description)
        complaint.citizenPhone = phone
        complaint.address = address
        return complaint
    }

    @Test func candidatesMergeCallbacksAndFigures() async throws {
        try await CaseworkFixture.run { fixture in
            let water = try await fixture.person(.handler, of: "water")
            let desk = try await fixture.person(.dispatcher, of: "desk")
            let agent = try await fixture.person(.callback, of: "desk")
            let power = try await fixture.person(.handler, of: "power")
            let parent = try await fixture.submit(Self.complaint(Self.drain))
            // Another caller, other words, the next community in the same street.
            let child = try await fixture.submit(Self.complaint("幸福路12号门口的下水道堵了三天，污水都漫到人行道了，请尽快疏通",
                                                                 area: "420102001002", phone: "13900000000"))
            // Same street and category, another problem.
            let other = try await fixture.submit(Self.complaint("建设大道88号商场后面雨水井盖缺失，晚上很危险",
                                                                area: "420102001003", phone: "13700000000", address: "建设大道88号"))
            // Another street: not a candidate at all.
            let elsewhere = try await fixture.submit(Self.complaint(Self.drain, area: "420102002001", phone: "13600000000"))
            for id in [parent, child, other, elsewhere] { try await fixture.waitFor(id, .dispatched) }

            // The desk sees every candidate in the street; scored, the duplicate comes first.
            let found = try await fixture.as(desk) { try $1.duplicates(of: child, on: $0) }
            #expect(found.first?.id == parent)
            #expect(found.map(\.id) == [parent], "\(found)")
            #expect(found.first?.reasons.contains("same street") == true)
            #expect(!found.contains { $0.id == elsewhere })
            #expect(!found.contains { $0.id == other }, "a different problem scored \(found)")
            // The service's view lists the other problem as a candidate (it scores low).
            let pool = try await fixture.client.withConnection { try fixture.store.duplicateCandidates(of: child, on: $0) }
            #expect(Set(pool.map(\.id)) == [parent, other])
            #expect(pool.allSatisfy { !$0.sameCaller })
            // The lead department sees them too; a department without the case is refused.
            #expect(try await fixture.as(water) { try $1.duplicates(of: child, on: $0) }.first?.id == parent)
            await #expect(throws: CaseworkError.self) { try await fixture.as(power) { try $1.duplicates(of: child, on: $0) } }
            await #expect(throws: CaseworkError.self) { try await fixture.as(desk) { try $1.duplicates(of: 999_999_999, on: $0) } }

            // The lead department merges; power, which has neither case, may not.
            await #expect(throws: CaseworkError.self) { try await fixture.as(power) { try $1.merge(child, into: parent, on: $0) } }
            #expect(try await fixture.as(water) { try $1.merge(child, into: parent, on: $0) } == .merged)

            // The parent is resolved: both citizens are called back.
            _ = try await fixture.as(water) { try $1.accept(parent, on: $0) }
            _ = try await fixture.as(water) { try $1.resolve(parent, reply: "已疏通", on: $0) }
            let pending = try await fixture.client.withConnection { connection in
                try connection.query("SELECT case_id FROM callbacks WHERE state = 'pending' ORDER BY case_id").map { try $0.decode(Int64.self, at: 0) }
            }
            #expect(pending == [parent, child])
            #expect(try await fixture.as(agent) {
                try $1.recordCallback(parent, answer: .answered(solved: true, rating: .satisfied), on: $0)
            } == "closed")
            // The child's citizen is called next, with the parent's reply; the answer is recorded
            // on the child and changes no state, whatever it says.
            let task = try await fixture.as(agent) { try $1.nextCallback(on: $0) }
            #expect(task?.case == child)
            #expect(task?.reply == "已疏通")
            #expect(try await fixture.as(agent) {
                try $1.recordCallback(child, answer: .answered(solved: false, rating: .dissatisfied), on: $0)
            } == "recorded")
            #expect(try await fixture.state(of: child) == .merged)
            #expect(try await fixture.state(of: parent) == .closed)
            #expect(try await fixture.eventKinds(of: child).suffix(3) == ["merged", "contact_revealed", "callback_answered"])

            // Figures: intake counts all four; water is measured on the parent only.
            let (rows, areas, verification) = try await fixture.client.withConnection { [store = fixture.store] connection in
                while try store.rollUpFigures(on: connection) > 0 {}
                let today = try store.today(on: connection)
                let period = try FigurePeriod(first: today.adding(days: -40), last: today.adding(days: 40))
                return (try store.figureRows(FigureQuery(period: period, dimension: .department), on: connection),
                        try store.figureRows(FigureQuery(period: period, dimension: .category), on: connection),
                        try store.verifyFigures(period, on: connection))
            }
            let counts = try #require(rows.first { $0.unit == .lead("water") }).counts
            #expect(counts[.dispatched] == 3)
            #expect(counts[.callbacksAnswered] == 1)
            #expect(counts[.satisfied] == 1)
            #expect(counts[.dissatisfied] == 0)
            #expect(areas.reduce(0) { $0 + $1.counts[.intake] } == 4)
            #expect(verification.differences.isEmpty, "\(verification.differences.prefix(5))")
        }
    }

    @Test func exactRepeatsMergeThemselvesWhenSwitchedOn() async throws {
        try await CaseworkFixture.run(worker: false) { fixture in
            try await fixture.setting("duplicates.auto_merge", "true")
            let worker = fixture.worker(client: fixture.client, concurrency: 2)
            let running = Task { try await worker.run() }
            let first = try await fixture.submit(Self.complaint(Self.drain))
            try await fixture.waitFor(first, .dispatched)
            // The same caller, area and words again (punctuation aside): merged by the router.
            let again = try await fixture.submit(Self.complaint(Self.drain.replacingOccurrences(of: "，", with: " ") + "。"))
            // The same caller about something else, and someone else with the same words: routed.
            let otherProblem = try await fixture.submit(Self.complaint("建设大道88号雨水井盖缺失"))
            let otherCaller = try await fixture.submit(Self.complaint(Self.drain, phone: "13900000000"))
            try await fixture.waitFor(again, .merged)
            try await fixture.waitFor(otherProblem, .dispatched)
            try await fixture.waitFor(otherCaller, .dispatched)
            let (into, actor) = try await fixture.client.withConnection { connection in
                try connection.query(
                    "SELECT c.merged_into, e.actor FROM cases c JOIN case_events e ON e.case_id = c.id AND e.kind = 'merged' WHERE c.id = \(again)"
                ).first!.decode((Int64?, String).self)
            }
            #expect(into == first)
            #expect(actor == "router")
            worker.shutdownGracefully()
            try await running.value
        }
    }
}
