public import Postgres

/// Where a case is in its life. See `docs/casework.md` for the diagram.
public enum CaseState: String, Sendable, CaseIterable, Codable, PostgresDecodable {
    case received, dispatched, accepted, resolved, closed
    case returned, reopened
    case manualDispatch = "manual_dispatch"
    case merged, withdrawn, rejected

    /// No further action is expected (the callback may still reopen a resolved case).
    public var isFinal: Bool {
        switch self {
        case .closed, .merged, .withdrawn, .rejected: true
        default: false
        }
    }

    /// The case is still with a department or the desk: its clocks run.
    public var isOpen: Bool { !isFinal && self != .resolved }

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
