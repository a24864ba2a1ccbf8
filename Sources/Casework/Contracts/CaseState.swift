public import Postgres

/// Where a case is in its life. See `docs/casework.md` for the diagram.
///
/// The database's side is the enum type `case_state` (migration 003), the transitions in
/// `case_transitions`, which its functions enforce, and `case_final_states()` (migration 020);
/// `ContractTests` checks that they name the same states.
public enum CaseState: String, Sendable, CaseIterable, Codable, PostgresDecodable {
    case received, dispatched, accepted, resolved, closed
    case returned, reopened
    case manualDispatch = "manual_dispatch"
    case merged, withdrawn, rejected

    /// The states in which a case is over: nothing more is expected of anyone (the callback
    /// may still reopen a resolved case, so resolved is not one of them). In declaration order,
    /// the order of the index `cases_state_idx`'s predicate.
    public static let final: [CaseState] = [.closed, .merged, .withdrawn, .rejected]

    /// The states in which a case is still with a department or the desk: its clocks run.
    public static let open: [CaseState] = allCases.filter(\.isOpen)

    /// Over (see ``final``).
    public var isFinal: Bool { Self.final.contains(self) }

    /// Still with a department or the desk (see ``open``).
    public var isOpen: Bool { !isFinal && self != .resolved }

    /// `state NOT IN (…the final states…)`, written as the index `cases_state_idx` is, so
    /// that PostgreSQL proves the index usable.
    public static let notFinalPredicate = "state NOT IN (" + final.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"

    public init(postgresCell cell: PostgresCell) throws {
        guard let state = CaseState(rawValue: cell.string) else {
            throw PostgresError(code: .decodingFailed, reason: "unknown case state")
        }
        self = state
    }
}

/// What a person (or the system) does to a case.
public enum CaseAction: String, Sendable, CaseIterable, Codable {
    case route
    case routeManual = "route_manual"
    case assign, accept, resolve
    case `return`
    case close, reopen, merge, withdraw, reject
}

/// The roles of people in civicq, plus `system` for the workers.
public enum StaffRole: String, Sendable, CaseIterable, Codable, PostgresDecodable {
    /// Works the cases of their department.
    case handler
    /// A handler who also sees their department's escalations.
    case supervisor
    /// The hotline office's dispatch desk: assigns, merges, rules on extensions.
    case dispatcher
    /// Makes the callbacks to citizens.
    case callback
    /// Everything.
    case admin
    /// The workers (routing, clocks). Not a person.
    case system

    /// Roles a person can be given (`civicq users add --role`).
    public static let people: [StaffRole] = [.handler, .supervisor, .dispatcher, .callback, .admin]

    /// May see the citizen's name and phone (with `--reveal`).
    public var mayReveal: Bool { self != .dispatcher && self != .system }

    public init(postgresCell cell: PostgresCell) throws {
        guard let role = StaffRole(rawValue: cell.string) else {
            throw PostgresError(code: .decodingFailed, reason: "unknown role")
        }
        self = role
    }
}
