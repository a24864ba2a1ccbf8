import Casework
import Foundation
import Testing

@Suite("Case state machine and callback outcomes")
struct StateMachineTests {
    @Test func departmentsAcceptAndResolveDispatchedCases() {
        #expect(CaseStateMachine.apply(.accept, to: .dispatched, as: .handler) == .success(.accepted))
        #expect(CaseStateMachine.apply(.resolve, to: .accepted, as: .supervisor) == .success(.resolved))
        #expect(CaseStateMachine.apply(.accept, to: .reopened, as: .handler) == .success(.accepted))
        #expect(CaseStateMachine.apply(.return, to: .dispatched, as: .handler) == .success(.returned))
    }

    @Test func illegalTransitionsAreRefusedWithASentence() {
        let refusal = CaseStateMachine.apply(.resolve, to: .dispatched, as: .handler)
        #expect(refusal == .failure(.wrongState(action: .resolve, state: .dispatched, allowed: [.accepted])))
        if case .failure(let reason) = refusal {
            #expect(reason.description == "the case is dispatched; resolve needs it to be accepted")
        }
        #expect(CaseStateMachine.apply(.accept, to: .closed, as: .admin).isFailure)
        #expect(CaseStateMachine.apply(.assign, to: .manualDispatch, as: .handler) == .failure(.roleNotAllowed(action: .assign, role: .handler)))
        #expect(CaseStateMachine.apply(.route, to: .received, as: .dispatcher).isFailure)
    }

    @Test func finalStatesHaveNoWayOut() {
        for state in CaseState.allCases where state.isFinal {
            #expect(!CaseStateMachine.transitions.contains { $0.from == state }, "\(state) should be final")
        }
    }

    @Test func everyNonFinalStateCanMove() {
        for state in CaseState.allCases where !state.isFinal {
            #expect(CaseStateMachine.transitions.contains { $0.from == state }, "\(state) is stuck")
        }
    }

    @Test(arguments: [true, false])
    func callbackOutcomes(solved: Bool) {
        #expect(CallbackOutcome.decide(solved: solved, rating: .satisfied) == (solved ? .close : .reopen))
        #expect(CallbackOutcome.decide(solved: solved, rating: .basic) == (solved ? .close : .reopen))
        #expect(CallbackOutcome.decide(solved: solved, rating: .dissatisfied) == .reopen)
    }

    @Test func deadlinesReadAsRelativeTimes() {
        let now = DeadlineTests.at("2026-11-22T10:00:00Z")
        #expect(Presentation.relative(due: now.addingTimeInterval(3 * 3600 + 60), now: now) == "due in 3 h")
        #expect(Presentation.relative(due: now.addingTimeInterval(-2 * 86_400 - 5), now: now) == "overdue 2 d")
        #expect(Presentation.relative(due: now.addingTimeInterval(40 * 60), now: now) == "due in 40 min")
    }
}

extension Result {
    var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}
