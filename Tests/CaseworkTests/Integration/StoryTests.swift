import Casework
import Foundation
import Postgres
import TestSupport
import Testing

/// Whole stories, through the queue (a worker routes and runs the clocks) and the functions
/// people call, each person on a login of their own.
@Suite("Case stories")
struct StoryTests {
    @Test func routedAndResolvedOnTime() async throws {
        try await CaseworkFixture.run { fixture in
            let handler = try await fixture.person(.handler, of: "water")
            let agent = try await fixture.person(.callback, of: "desk")
            let id = try await fixture.submit(CaseworkFixture.complaint())
            try await fixture.waitFor(id, .dispatched)
            let accepted = try await fixture.as(handler) { try $1.accept(id, on: $0) }
            #expect(accepted == .accepted)
            let resolved = try await fixture.as(handler) { try $1.resolve(id, reply: "已疏通", on: $0) }
            #expect(resolved == .resolved)
            let task = try await fixture.as(agent) { try $1.nextCallback(on: $0) }
            #expect(task?.case == id)
            #expect(task?.citizen_phone == "13812345678")
            let outcome = try await fixture.as(agent) { try $1.recordCallback(id, answer: .answered(solved: true, rating: .satisfied), on: $0) }
            #expect(outcome == "closed")
            #expect(try await fixture.state(of: id) == .closed)
            #expect(try await fixture.eventKinds(of: id) == [
                "received", "dispatched", "accepted", "resolved", "contact_revealed", "callback_answered", "closed",
            ])
            let onTime = try await fixture.client.withConnection { connection in
                try connection.query("SELECT (details->>'on_time')::boolean FROM case_events WHERE case_id = \(id) AND kind = 'resolved'").scalar(Bool.self)
            }
            #expect(onTime == true)
            let detail = try await fixture.as(handler) { try $1.detail(id, reveal: false, on: $0) }
            #expect(detail.rule_id == "water")
            #expect(detail.rule_version == 1)
            #expect(detail.citizen_name == "张*")
            #expect(detail.citizen_phone == "138****5678")
        }
    }

    @Test func returnedTwiceThenDispatchedByTheDesk() async throws {
        try await CaseworkFixture.run { fixture in
            let water = try await fixture.person(.handler, of: "water")
            let district = try await fixture.person(.handler, of: "ja")
            let dispatcher = try await fixture.person(.dispatcher, of: "desk")
            let urban = try await fixture.person(.handler, of: "urban")
            let id = try await fixture.returnedTwiceToTheDesk(water: water, district: district)
            let assigned = try await fixture.as(dispatcher) { try $1.assign(id, lead: "urban", assists: ["ja-s1"], reason: "终审", on: $0) }
            #expect(assigned == .dispatched)
            // The desk's ruling is final.
            await #expect(throws: CaseworkError.self) {
                _ = try await fixture.as(urban) { try $1.return(id, reasonCode: "not_our_duty", text: "不是我们的", on: $0) }
            }
            let detail = try await fixture.as(urban) { try $1.detail(id, reveal: false, on: $0) }
            #expect(detail.return_count == 2)
            #expect(detail.tasks.filter { $0.state == "returned" }.map(\.department) == ["water", "ja"])
            // The time each returning department held the case is recorded against it.
            let held = try await fixture.client.withConnection { connection in
                try connection.query("SELECT department_code, details ? 'held_seconds' FROM case_events WHERE case_id = \(id) AND kind = 'returned' ORDER BY id")
                    .map { try $0.decode((String, Bool).self) }
            }
            #expect(held.map(\.0) == ["water", "ja"])
            #expect(held.allSatisfy { $0.1 })
            // The deadlines still run from intake.
            let dues = try await fixture.client.withConnection { connection in
                try connection.query("SELECT count(DISTINCT response_due) FROM cases WHERE id = \(id)").scalar(Int.self)
            }
            #expect(dues == 1)
        }
    }

    @Test func overdueCasesAreEscalated() async throws {
        try await CaseworkFixture.run { fixture in
            let supervisor = try await fixture.person(.supervisor, of: "gas")
            // A gas leak reported three days ago: both urgent clocks (2 h, 24 h) have run out.
            let id = try await fixture.submit(CaseworkFixture.complaint(
                category: "020301", title: "楼道里有煤气味", description: "请尽快处理", receivedAt: Date().addingTimeInterval(-3 * 86_400)))
            let escalated = try await TestDatabase.eventually {
                try await fixture.eventKinds(of: id).filter { $0 == "escalated" }.count == 2
            }
            #expect(escalated)
            let flags = try await fixture.client.withConnection { connection in
                try connection.query("SELECT response_overdue, resolution_overdue, priority FROM cases WHERE id = \(id)")[0].decode((Bool, Bool, String).self)
            }
            #expect(flags == (true, true, "urgent"))
            let list = try await fixture.as(supervisor) { try $1.escalations(since: Date().addingTimeInterval(-3600), department: "gas", on: $0) }
            #expect(Set(list.map(\.clock)) == ["response", "resolution"])
            #expect(list.allSatisfy { $0.case_id == id })
            let inbox = try await fixture.as(supervisor) { connection, store in
                var filter = CaseFilter()
                filter.department = "gas"
                filter.overdueOnly = true
                return try store.list(filter, on: connection)
            }
            #expect(inbox.map(\.id) == [id])
        }
    }

    @Test func extensionsMoveTheDeadlineWhenApproved() async throws {
        try await CaseworkFixture.run { fixture in
            let handler = try await fixture.person(.handler, of: "water")
            let dispatcher = try await fixture.person(.dispatcher, of: "desk")
            let id = try await fixture.submit(CaseworkFixture.complaint())
            try await fixture.waitFor(id, .dispatched)
            _ = try await fixture.as(handler) { try $1.accept(id, on: $0) }
            let before = try await fixture.as(handler) { try $1.detail(id, reveal: false, on: $0) }.summary.resolution_due!
            let until = before.addingTimeInterval(5 * 86_400)
            // Not earlier than the current deadline.
            await #expect(throws: CaseworkError.self) {
                _ = try await fixture.as(handler) { try $1.requestExtension(id, until: before.addingTimeInterval(-60), reason: "x", on: $0) }
            }
            let request = try await fixture.as(handler) { try $1.requestExtension(id, until: until, reason: "需要更换管道", on: $0) }
            // A handler cannot rule on it.
            await #expect(throws: CaseworkError.self) {
                _ = try await fixture.as(handler) { try $1.decideExtension(request, approve: true, reason: nil, on: $0) }
            }
            #expect(try await fixture.as(dispatcher) { try $1.decideExtension(request, approve: true, reason: "同意", on: $0) } == "approved")
            let after = try await fixture.as(handler) { try $1.detail(id, reveal: false, on: $0) }.summary.resolution_due!
            #expect(abs(after.timeIntervalSince(until)) < 0.001)
            let second = try await fixture.as(handler) { try $1.requestExtension(id, until: until.addingTimeInterval(86_400), reason: "再延", on: $0) }
            #expect(try await fixture.as(dispatcher) { try $1.decideExtension(second, approve: false, reason: "不同意", on: $0) } == "refused")
            let kinds = try await fixture.eventKinds(of: id)
            #expect(kinds.filter { $0.hasPrefix("extension_") } == [
                "extension_requested", "extension_approved", "extension_requested", "extension_refused",
            ])
            // The new deadline has its clock.
            let clocks = try await fixture.client.withConnection { connection in
                try connection.query(
                    """
                    SELECT count(*) FROM jobs WHERE kind = 'case.clock' AND payload->>'case' = \(String(id))
                        AND payload->>'clock' = 'resolution' AND abs(extract(epoch FROM (payload->>'due')::timestamptz - \(until)::timestamptz)) < 0.001
                    """).scalar(Int.self)
            }
            #expect(clocks == 1)
        }
    }

    @Test func reopenedAfterADissatisfiedCallbackThenClosed() async throws {
        try await CaseworkFixture.run { fixture in
            let handler = try await fixture.person(.handler, of: "water")
            let agent = try await fixture.person(.callback, of: "desk")
            let id = try await fixture.resolvedCase(by: handler)
            let first = try await fixture.as(agent) { try $1.recordCallback(id, answer: .answered(solved: false, rating: .dissatisfied), on: $0) }
            #expect(first == "reopened")
            // The worker gives the reopened case a new resolution deadline from now.
            let reclocked = try await TestDatabase.eventually { try await fixture.eventKinds(of: id).contains("reclocked") }
            #expect(reclocked)
            #expect(try await fixture.as(handler) { try $1.accept(id, on: $0) } == .accepted)
            _ = try await fixture.as(handler) { try $1.resolve(id, reply: "已彻底疏通", on: $0) }
            let second = try await fixture.as(agent) { try $1.recordCallback(id, answer: .answered(solved: true, rating: .basic), on: $0) }
            #expect(second == "closed")
            let detail = try await fixture.as(handler) { try $1.detail(id, reveal: false, on: $0) }
            #expect(detail.reopen_count == 1)
            #expect(detail.summary.state == .closed)
            #expect(detail.close_reason == "satisfied")
        }
    }

    @Test func unansweredCallbacksCloseTheCase() async throws {
        try await CaseworkFixture.run { fixture in
            try await fixture.setting("callback.tries", "2")
            let handler = try await fixture.person(.handler, of: "water")
            let agent = try await fixture.person(.callback, of: "desk")
            let id = try await fixture.resolvedCase(by: handler)
            #expect(try await fixture.as(agent) { try $1.recordCallback(id, answer: .unreachable, on: $0) } == "retry")
            // A second "unreachable" before the retry spacing has passed is refused.
            await #expect { try await fixture.as(agent) { try $1.recordCallback(id, answer: .unreachable, on: $0) } } throws: {
                ($0 as? CaseworkError)?.code == .wrongState && ($0 as? CaseworkError)?.message.contains("next try is due at") == true
            }
            try await fixture.callbackDueNow(id)
            #expect(try await fixture.as(agent) { try $1.recordCallback(id, answer: .unreachable, on: $0) } == "unanswered")
            let detail = try await fixture.as(handler) { try $1.detail(id, reveal: false, on: $0) }
            #expect(detail.summary.state == .closed)
            #expect(detail.close_reason == "unanswered")

            // And when the window ends with nobody calling at all: the expiry job closes it.
            try await fixture.setting("callback.window_hours", "0")
            let other = try await fixture.resolvedCase(by: handler)
            try await fixture.waitFor(other, .closed)
        }
    }

    /// The duplicate's own callback waits for the main case: resolving the main case opens one
    /// for each (docs/ledger.md).
    @Test func mergedDuplicatesAreCalledBackWithTheirMainCase() async throws {
        try await CaseworkFixture.run { fixture in
            let handler = try await fixture.person(.handler, of: "water")
            let dispatcher = try await fixture.person(.dispatcher, of: "desk")
            let main = try await fixture.submit(CaseworkFixture.complaint())
            let duplicate = try await fixture.submit(CaseworkFixture.complaint(title: "下水道又堵了"))
            try await fixture.waitFor(duplicate, .dispatched)
            #expect(try await fixture.as(dispatcher) { try $1.merge(duplicate, into: main, on: $0) } == .merged)
            await #expect(throws: CaseworkError.self) {
                _ = try await fixture.as(dispatcher) { try $1.merge(main, into: duplicate, on: $0) }
            }
            _ = try await fixture.as(handler) { try $1.accept(main, on: $0) }
            _ = try await fixture.as(handler) { try $1.resolve(main, reply: "已疏通", on: $0) }
            let callbacks = try await fixture.client.withConnection { connection in
                try connection.query("SELECT case_id FROM callbacks WHERE state = 'pending' ORDER BY case_id")
                    .map { try $0.decode(Int64.self, at: 0) }
            }
            #expect(callbacks == [main, duplicate])
            // A duplicate's citizen who cannot be reached: tried again, then unanswered; the
            // duplicate stays merged.
            let agent = try await fixture.person(.callback, of: "desk")
            var outcomes: [String] = []
            for _ in 0..<3 {
                try await fixture.callbackDueNow(duplicate)
                outcomes.append(try await fixture.as(agent) { try $1.recordCallback(duplicate, answer: .unreachable, on: $0) })
            }
            #expect(outcomes == ["retry", "retry", "unanswered"])
            #expect(try await fixture.state(of: duplicate) == .merged)
            #expect(try await fixture.eventKinds(of: main).contains("merged_from"))
            let inbox = try await fixture.as(handler) { connection, store in
                var filter = CaseFilter()
                filter.department = "water"
                filter.states = CaseState.allCases
                return try store.list(filter, on: connection)
            }
            #expect(!inbox.map(\.id).contains(duplicate))
        }
    }
}
