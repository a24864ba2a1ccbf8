import Casework
import Foundation
import Testing

/// The Swift sides of the contracts, without a database (ContractTests compares them with the
/// database's).
@Suite("Contracts: the Swift side")
struct ContractRulesTests {
    /// An event of a kind the figures do not read, anywhere in a case's life, changes no fact:
    /// so the store may leave such events out.
    @Test(arguments: CaseEventKind.allCases.filter { !$0.isReadByFigures })
    func kindsTheFiguresDoNotReadChangeNothing(kind: CaseEventKind) {
        let events = [
            FigureFactsTests.accepted("2026-11-02 10:00"),
            FigureFactsTests.event(.resolved, "2026-11-05 16:00"),
            FigureFactsTests.answered("2026-11-06 10:00", solved: true, rating: "satisfied"),
        ]
        let plain = CaseFacts.derive(from: FigureFactsTests.history(then: events), calendar: FigureFactsTests.calendar)
        for position in 0...events.count {
            var with = events
            with.insert(FigureFactsTests.event(kind, "2026-11-04 12:00") {
                $0.reason = "unanswered"
                $0.clock = "response"
                $0.due = FigureFactsTests.at("2026-11-03 18:00")
            }, at: position)
            #expect(CaseFacts.derive(from: FigureFactsTests.history(then: with), calendar: FigureFactsTests.calendar) == plain, "\(kind) at \(position)")
        }
    }

    /// Written as the index `cases_state_idx`'s predicate is, or the planner cannot use it.
    @Test func theNotFinalPredicateIsTheIndexOne() {
        #expect(CaseState.notFinalPredicate == "state NOT IN ('closed', 'merged', 'withdrawn', 'rejected')")
    }

    @Test func everyJobKindHasAQueueWorkersWorkByDefaultButTheLog() {
        for kind in CaseworkJobKind.allCases {
            #expect(CaseworkQueue.workerDefault.contains(kind.queue) == (kind.queue != .log), "\(kind)")
        }
    }

    @Test func deadlinesReadAsRelativeTimes() {
        let now = DeadlineTests.at("2026-11-22T10:00:00Z")
        #expect(Presentation.relative(due: now.addingTimeInterval(3 * 3600 + 60), now: now) == "due in 3 h")
        #expect(Presentation.relative(due: now.addingTimeInterval(-2 * 86_400 - 5), now: now) == "overdue 2 d")
        #expect(Presentation.relative(due: now.addingTimeInterval(40 * 60), now: now) == "due in 40 min")
    }
}
