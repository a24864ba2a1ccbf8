/// Which action moves a case from which state to which, and who may take it.
///
/// Pure rules. The database holds the same table (`case_transitions`, migration 003), which
/// its SECURITY DEFINER functions enforce; `CaseStateMachineTests` checks that the two agree
/// row for row, so a change to one without the other fails the tests.
public enum CaseStateMachine {
    public struct Transition: Sendable, Hashable {
        public let action: CaseAction
        public let from: CaseState
        public let to: CaseState
        public let roles: Set<StaffRole>
    }

    private static let open: [CaseState] = [.received, .manualDispatch, .dispatched, .accepted, .returned, .reopened]
    private static let desk: Set<StaffRole> = [.dispatcher, .admin]
    private static let department: Set<StaffRole> = [.handler, .supervisor, .admin]
    private static let office: Set<StaffRole> = [.callback, .dispatcher, .admin, .system]

    private static let rules: [(CaseAction, [CaseState], CaseState, Set<StaffRole>)] = [
        (.route, [.received, .returned], .dispatched, [.system]),
        (.routeManual, [.received, .returned], .manualDispatch, [.system]),
        (.assign, [.received, .manualDispatch, .returned, .dispatched], .dispatched, desk),
        (.accept, [.dispatched, .reopened], .accepted, department),
        (.resolve, [.accepted], .resolved, department),
        (.return, [.dispatched, .accepted, .reopened], .returned, department),
        (.close, [.resolved], .closed, office),
        (.reopen, [.resolved], .reopened, office),
        (.merge, open, .merged, desk),
        (.withdraw, open, .withdrawn, desk.union([.system])),
        (.reject, [.received, .manualDispatch, .returned], .rejected, desk),
    ]

    /// Every allowed transition.
    public static let transitions: [Transition] = rules.flatMap { action, froms, to, roles in
        froms.map { Transition(action: action, from: $0, to: to, roles: roles) }
    }

    private static let byActionAndState: [CaseAction: [CaseState: Transition]] = Dictionary(
        grouping: transitions, by: \.action
    ).mapValues { Dictionary(uniqueKeysWithValues: $0.map { ($0.from, $0) }) }

    /// The states `action` can start from.
    public static func states(allowing action: CaseAction) -> [CaseState] {
        CaseState.allCases.filter { byActionAndState[action]?[$0] != nil }
    }

    /// The state `action` leads to, or why it may not be taken.
    public static func apply(_ action: CaseAction, to state: CaseState, as role: StaffRole) -> Result<CaseState, Refusal> {
        guard let transition = byActionAndState[action]?[state] else {
            return .failure(.wrongState(action: action, state: state, allowed: states(allowing: action)))
        }
        guard transition.roles.contains(role) else { return .failure(.roleNotAllowed(action: action, role: role)) }
        return .success(transition.to)
    }

    /// Why an action was refused, as a plain sentence.
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        case wrongState(action: CaseAction, state: CaseState, allowed: [CaseState])
        case roleNotAllowed(action: CaseAction, role: StaffRole)

        public var description: String {
            switch self {
            case .wrongState(let action, let state, let allowed):
                "the case is \(state.rawValue); \(action.rawValue) needs it to be \(allowed.map(\.rawValue).joined(separator: ", "))"
            case .roleNotAllowed(let action, let role):
                "a \(role.rawValue) may not \(action.rawValue) a case"
            }
        }
    }
}
