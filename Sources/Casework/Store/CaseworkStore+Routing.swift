public import Foundation
public import Postgres

/// A case as routing reads it.
public struct RoutingCase: Sendable {
    public let id: Int64
    public let version: Int
    public let state: CaseState
    public let input: RoutingInput
    public let receivedAt: Date
    /// Deadlines are set at the first dispatch and kept afterwards.
    public let hasDeadlines: Bool
}

/// A routing decision for the database to apply (`route_apply`, migration 006), written as one
/// element of its JSON array by ``write(to:)``.
public struct RouteApplication: Sendable {
    let case_id: Int64
    let version: Int
    /// The state and deadline flag as read; the version makes them a precondition.
    let from_state: String
    let first_dispatch: Bool
    let outcome: String
    let lead: String?
    let assists: [String]
    let priority: String?
    let policy: String
    let rule_id: String?
    let rule_version: Int?
    let response_due: Date?
    let resolution_due: Date?
    let explanation: String
    /// Set when the dispatch model made the decision (``ModelDispatcher``).
    let model: ModelDispatcher.Note?

    /// What `decision` means for `routed`, with its deadlines from the citizen's clock; `model`
    /// when the dispatch model made it.
    public init(_ routed: RoutingCase, _ decision: RoutingDecision, context: CaseworkStore.Context, model: ModelDispatcher.Note? = nil) {
        case_id = routed.id
        version = routed.version
        from_state = routed.state.rawValue
        first_dispatch = !routed.hasDeadlines
        outcome = decision.lead == nil ? CaseState.manualDispatch.rawValue : CaseState.dispatched.rawValue
        lead = decision.lead
        assists = decision.assists
        priority = decision.priority
        policy = decision.policy
        rule_id = decision.ruleID
        rule_version = decision.ruleID == nil ? nil : context.router.version
        if routed.hasDeadlines {
            response_due = nil
            resolution_due = nil
        } else {
            let deadlines = context.policy(named: decision.policy).deadlines(from: routed.receivedAt, calendar: context.calendar)
            response_due = deadlines.response
            resolution_due = deadlines.resolution
        }
        explanation = decision.reason
        self.model = model
    }

    /// This decision as `route_apply` reads it (`jsonb_to_recordset`); an absent value is left
    /// out (`field`), which the server reads as NULL.
    func write(to json: inout PostgresJSONB.Writer) {
        json.beginObject()
        json.field("case_id", case_id)
        json.field("version", version)
        json.field("from_state", from_state)
        json.field("first_dispatch", first_dispatch)
        json.field("outcome", outcome)
        json.field("lead", lead)
        json.field("assists", assists)
        json.field("priority", priority)
        json.field("policy", policy)
        json.field("rule_id", rule_id)
        json.field("rule_version", rule_version)
        json.field("response_due", response_due)
        json.field("resolution_due", resolution_due)
        json.field("explanation", explanation)
        if let model {
            json.key("model")
            json.beginObject()
            json.field("source", model.source)
            json.field("model", model.model)
            json.field("probability", model.probability)
            json.endObject()
        }
        json.endObject()
    }
}

extension CaseworkStore {
    /// The cases with these ids, with the departments that returned each.
    public func routingCases(ids: [Int64], on connection: PostgresConnection) throws -> [RoutingCase] {
        let rows = try connection.query(
            """
            SELECT c.id, c.version, c.state, c.category_code, c.area_code, c.channel, c.title, c.description,
                   c.received_at, c.return_count, c.response_due IS NOT NULL,
                   coalesce((SELECT array_agg(DISTINCT t.department_code) FROM case_tasks t
                             WHERE t.case_id = c.id AND t.state = 'returned' AND t.role = 'lead'), '{}')
            FROM cases c WHERE c.id = ANY(\(ids.map { Int($0) }))
            """)
        return try rows.map { row in
            let (id, version, state, category, area, channel, title, description) = try row.decode(
                (Int64, Int, CaseState, String, String, String, String, String).self)
            let receivedAt = try row.decode(Date.self, at: 8)
            let returns = try row.decode(Int.self, at: 9)
            let hasDeadlines = try row.decode(Bool.self, at: 10)
            let excluded = try row.decode([String].self, at: 11)
            let input = RoutingInput(
                category: category, area: area, channel: channel, title: title, description: description,
                excluded: Set(excluded), returns: returns)
            return RoutingCase(id: id, version: version, state: state, input: input, receivedAt: receivedAt, hasDeadlines: hasDeadlines)
        }
    }

    /// Applies routing decisions; returns how many cases changed (the others had moved on).
    @discardableResult
    public func applyRoutes(_ applications: [RouteApplication], on connection: PostgresConnection) throws -> Int {
        guard !applications.isEmpty else { return 0 }
        var json = PostgresJSONB.Writer(reservingCapacity: applications.count * 400)
        json.beginArray()
        for application in applications { application.write(to: &json) }
        json.endArray()
        return try connection.query("SELECT route_apply(\(json.jsonb))").scalar(Int.self) ?? 0
    }
}
