import Foundation
public import Postgres

extension CaseworkStore {
    /// The case `id` if `source` submitted it.
    public func intakeCase(_ id: Int64, source: String, on connection: PostgresConnection) throws -> IntakeCaseView? {
        try connection.query(
            "SELECT \(unsafe: Self.intakeColumns) FROM cases c LEFT JOIN departments d ON d.code = c.lead_department WHERE c.id = \(id) AND c.source = \(source)"
        ).first.map(Self.intakeView)
    }

    /// The cases of `source` that pass `filter`, by id.
    public func intakeCases(source: String, filter: IntakeCaseFilter, on connection: PostgresConnection) throws -> [IntakeCaseView] {
        try connection.query(
            """
            SELECT \(unsafe: Self.intakeColumns) FROM cases c LEFT JOIN departments d ON d.code = c.lead_department
            WHERE c.source = \(source) AND c.id > \(filter.after ?? 0)
              AND (cardinality(\(filter.states.map(\.rawValue))::text[]) = 0 OR c.state::text = ANY(\(filter.states.map(\.rawValue))))
              AND (\(filter.externalID)::text IS NULL OR c.external_id = \(filter.externalID))
              AND (\(filter.updatedSince)::timestamptz IS NULL OR c.updated_at >= \(filter.updatedSince))
            ORDER BY c.id LIMIT \(max(1, min(filter.limit, 1000)))
            """
        ).map(Self.intakeView)
    }

    /// The public events of case `id` of `source`, oldest first; nil when there is no such case.
    public func publicEvents(_ id: Int64, source: String, on connection: PostgresConnection) throws -> [PublicCaseEvent]? {
        guard try connection.query("SELECT 1 FROM cases WHERE id = \(id) AND source = \(source)").count == 1 else { return nil }
        return try connection.query(
            """
            SELECT e.at, e.kind, e.to_state, d.code, d.name, e.reason
            FROM case_events e LEFT JOIN departments d ON d.code = e.department_code
            WHERE e.case_id = \(id) AND e.public ORDER BY e.id
            """
        ).map { row in
            let (at, kind, state, code, name, text) = try row.decode((Date, String, CaseState?, String?, String?, String?).self)
            return PublicCaseEvent(at: at, kind: kind, state: state, department: Self.department(code, name), text: text)
        }
    }

    /// The citizen withdrew the complaint at its intake system (`intake_withdraw`).
    public func intakeWithdraw(_ id: Int64, source: String, reason: String, on connection: PostgresConnection) throws -> CaseState {
        try CaseworkError.translating {
            try connection.query("SELECT intake_withdraw(\(source), \(id), \(reason))")[0].decode(CaseState.self)
        }
    }

    /// A callback the intake system ran (`intake_callback`): closed, reopened, retry or unanswered.
    public func intakeCallback(
        _ id: Int64, source: String, reached: Bool, solved: Bool?, rating: String?, on connection: PostgresConnection
    ) throws -> String {
        try CaseworkError.translating {
            try connection.query("SELECT intake_callback(\(source), \(id), \(!reached), \(solved), \(rating))")[0].decode(String.self)
        }
    }

    static let intakeColumns = """
        c.id, c.external_id, c.state, c.category_code, c.area_code, c.channel, c.priority, c.title, c.description, c.address,
        c.latitude, c.longitude, c.received_at, c.dispatched_at, c.accepted_at, c.resolved_at, c.closed_at, c.updated_at,
        c.response_due, c.resolution_due, c.response_overdue, c.resolution_overdue, d.code, d.name, c.reply
        """

    private static func department(_ code: String?, _ name: String?) -> IntakeCaseView.DepartmentRef? {
        guard let code else { return nil }
        return IntakeCaseView.DepartmentRef(code: code, name: name ?? code)
    }

    static func intakeView(_ row: PostgresRow) throws -> IntakeCaseView {
        let (id, externalID, state, category, area, channel, priority, title) = try row.decode(
            (Int64, String, CaseState, String, String, String, String, String).self)
        let (description, address, latitude, longitude, received, dispatched, accepted, resolved) = try row.decode(
            (String, String?, Double?, Double?, Date, Date?, Date?, Date?).self, startingAt: 8)
        let (closed, updated, responseDue, resolutionDue, responseOverdue, resolutionOverdue, code, name) = try row.decode(
            (Date?, Date, Date?, Date?, Bool, Bool, String?, String?).self, startingAt: 16)
        let reply = try row.decode(String?.self, at: 24)
        return IntakeCaseView(
            id: id, external_id: externalID, state: state, category: category, area: area, channel: channel, priority: priority,
            title: title, description: description, address: address, latitude: latitude, longitude: longitude,
            received_at: received, dispatched_at: dispatched, accepted_at: accepted, resolved_at: resolved, closed_at: closed,
            updated_at: updated, response_due: responseDue, resolution_due: resolutionDue, response_overdue: responseOverdue,
            resolution_overdue: resolutionOverdue, department: department(code, name), reply: reply)
    }
}
