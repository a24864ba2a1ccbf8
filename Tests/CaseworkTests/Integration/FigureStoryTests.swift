import Casework
import Foundation
import Postgres
import TestSupport
import Testing

/// Cases through the real flow (queue, clocks, people on their own logins), then the figures
/// from the rollups against counts worked out by hand, and the rollups against the event log.
@Suite("Figures through the real flow (PostgreSQL)")
struct FigureStoryTests {
    @Test("a scripted set of cases: stats from the rollups match the hand count; verify agrees")
    func scriptedCases() async throws {
        try await CaseworkFixture.run { fixture in
            let water = try await fixture.person(.handler, of: "water")
            let agent = try await fixture.person(.callback, of: "desk")
            let longAgo = Date().addingTimeInterval(-20 * 86_400)
            func submit(old: Bool = false) async throws -> Int64 {
                let id = try await fixture.submit(CaseworkFixture.complaint(receivedAt: old ? longAgo : nil))
                try await fixture.waitFor(id, .dispatched)
                return id
            }
            func escalations(_ id: Int64) async throws -> Int {
                try await fixture.client.withConnection {
                    try $0.query("SELECT count(*) FROM case_events WHERE case_id = \(id) AND kind = 'escalated'").scalar(Int.self) ?? 0
                }
            }
            func work(_ id: Int64, resolve: Bool = true) async throws {
                _ = try await fixture.as(water) { try $1.accept(id, on: $0) }
                if resolve { _ = try await fixture.as(water) { try $1.resolve(id, reply: "已处理", on: $0) } }
            }
            func callback(_ id: Int64, _ answer: CallbackAnswer) async throws {
                _ = try await fixture.as(agent) { try $1.recordCallback(id, answer: answer, on: $0) }
            }

            // A: received 20 days ago, both clocks run out, then accepted and resolved: late twice.
            let a = try await submit(old: true)
            // E: received 20 days ago and left alone: overdue, open.
            let e = try await submit(old: true)
            #expect(try await TestDatabase.eventually(within: .seconds(20)) {
                let (x, y) = (try await escalations(a), try await escalations(e))
                return x == 2 && y == 2
            })
            try await work(a)
            // B: on time, satisfied. C: on time, dissatisfied (reopened). F: on time, unreachable.
            let b = try await submit(), c = try await submit(), f = try await submit()
            try await work(b)
            try await work(c)
            try await work(f)
            try await callback(b, .answered(solved: true, rating: .satisfied))
            try await callback(c, .answered(solved: false, rating: .dissatisfied))
            for _ in 0..<3 {
                try await fixture.callbackDueNow(f)
                try await callback(f, .unreachable)
            }
            #expect(try await fixture.state(of: f) == .closed)
            #expect(try await fixture.state(of: c) == .reopened)
            // D: returned by water, routed to the district's backstop.
            let d = try await submit()
            _ = try await fixture.as(water) { try $1.return(d, reasonCode: "not_our_duty", text: "属于小区物业", on: $0) }
            #expect(try await TestDatabase.eventually { try await fixture.client.withConnection {
                try $0.query("SELECT lead_department FROM cases WHERE id = \(d)").scalar(String?.self) ?? nil } == "ja" })

            let (rows, backlog, verification) = try await fixture.client.withConnection { [store = fixture.store] connection in
                while try store.rollUpFigures(limit: 3, on: connection) > 0 {}
                let calendar = WorkCalendar(timeZone: try store.reportingTimeZone(on: connection))
                let today = calendar.day(of: Date())
                let period = try FigurePeriod(first: today.adding(days: -40), last: today.adding(days: 40))
                return (try store.figureRows(FigureQuery(period: period, dimension: .department), on: connection),
                        try store.figuresBacklog(on: connection), try store.verifyFigures(period, on: connection))
            }
            #expect(backlog == 0)
            let row = try #require(rows.first { $0.unit == .lead("water") })
            let counts = row.counts
            // Six cases went to water as lead; one came back (D).
            #expect(counts[.dispatched] == 6)
            #expect(counts[.returned] == 1)
            // Response: B, C, F on time; A late; E overdue. D's deadline is still ahead.
            #expect(row.rates.response == FigureRate(3, of: 5))
            #expect(counts[.responseLate] == 1)
            #expect(counts[.responseOverdue] == 1)
            // Resolution: B, C, F on time, A late, E open past its deadline (counts against both).
            #expect(row.rates.closure == FigureRate(4, of: 5))
            #expect(row.rates.onTime == FigureRate(3, of: 5))
            // Callbacks: B satisfied and solved, C neither; F unanswered; C reopened.
            #expect(row.rates.satisfaction == FigureRate(1, of: 2))
            #expect(row.rates.resolution == FigureRate(1, of: 2))
            #expect(counts[.unanswered] == 1)
            #expect(row.rates.reopen == FigureRate(1, of: 2))
            #expect(row.rates.returns == FigureRate(1, of: 6))
            // The backstop has D as lead.
            #expect(rows.first { $0.unit == .lead("ja") }?.counts[.dispatched] == 1)
            // Times from intake: four met responses counted.
            #expect(counts.respond.total == 4)
            #expect(verification.differences.isEmpty, "\(verification.differences.prefix(5))")
            #expect(verification.casesRead == 6)
        }
    }
}
