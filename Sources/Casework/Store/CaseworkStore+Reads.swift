public import Foundation
public import Postgres

/// Filters for `civicq case list`.
public struct CaseFilter: Sendable, Equatable {
    /// Only cases in these states; empty: every open state.
    public var states: [CaseState] = []
    public var overdueOnly = false
    /// Category and area code prefixes.
    public var category: String?
    public var area: String?
    /// The inbox of this department (its active tasks); nil: every case the caller may see.
    public var department: String?
    public var limit = 50
    /// Which page of `limit` cases, from 1.
    public var page = 1

    public init() {}

    var offset: Int { (max(page, 1) - 1) * limit }

    /// The states asked for, as SQL binds them (every open state when none is named).
    var stateNames: [String] { (states.isEmpty ? CaseState.allCases.filter(\.isOpen) : states).map(\.rawValue) }
}

/// Reads, as the connected login: row-level security shows each person what they may see.
extension CaseworkStore {
    static let summaryColumns = """
        c.id, c.state, c.category_code, c.area_code, c.title, c.priority, c.lead_department, c.received_at,
        c.response_due, c.resolution_due, c.accepted_at, c.response_overdue, c.resolution_overdue
        """

    static func summary(_ row: PostgresRow, task: Bool) throws -> CaseSummary {
        let (id, state, category, area, title, priority, lead) = try row.decode((Int64, CaseState, String, String, String, String, String?).self)
        return CaseSummary(
            id: id, state: state, category: category, area: area, title: title, priority: priority, lead_department: lead,
            received_at: try row.decode(Date.self, at: 7), response_due: try row.decode(Date?.self, at: 8),
            resolution_due: try row.decode(Date?.self, at: 9), accepted_at: try row.decode(Date?.self, at: 10),
            response_overdue: try row.decode(Bool.self, at: 11), resolution_overdue: try row.decode(Bool.self, at: 12),
            task_role: task ? try row.decode(String?.self, at: 13) : nil, task_state: task ? try row.decode(String?.self, at: 14) : nil)
    }

    /// The deadline that matters now: response until accepted, then resolution (the same
    /// expression as `cases_open_lead_due_idx`, migration 013, so the inbox reads in its order).
    static let dueExpression = "CASE WHEN c.accepted_at IS NULL THEN c.response_due ELSE c.resolution_due END"

    /// Cases, most urgent deadline first.
    public func list(_ filter: CaseFilter, on connection: PostgresConnection) throws -> [CaseSummary] {
        let states = filter.stateNames
        let categoryPrefix = (filter.category ?? "") + "%"
        let areaPrefix = (filter.area ?? "") + "%"
        if let department = filter.department {
            return try inbox(department, filter: filter, states: states, on: connection)
        }
        let rows = try connection.query(
            """
            SELECT \(unsafe: Self.summaryColumns), NULL::text, NULL::text
            FROM cases c
            WHERE c.state::text = ANY(\(states))
              AND (NOT \(filter.overdueOnly) OR c.response_overdue OR c.resolution_overdue)
              AND c.category_code LIKE \(categoryPrefix) AND c.area_code LIKE \(areaPrefix)
            ORDER BY \(unsafe: Self.dueExpression) NULLS LAST, c.id
            LIMIT \(filter.limit) OFFSET \(filter.offset)
            """)
        return try rows.map { try Self.summary($0, task: true) }
    }

    /// How far ``count(_:cap:on:)`` counts: a list says "more than 10,000" past it.
    public static let countCap = 10_000

    /// How many cases the filter matches in all (`list` shows one page of them), counted up to
    /// `cap` + 1: more than `cap` is "more than cap". A department's inbox is counted by
    /// `inbox_count` (migration 028), which refuses anyone outside the department; every case
    /// the caller may see, under the read policies, through the open-state index.
    public func count(_ filter: CaseFilter, cap: Int = CaseworkStore.countCap, on connection: PostgresConnection) throws -> Int {
        let states = filter.stateNames
        if let department = filter.department {
            return try CaseworkError.translating {
                try connection.query(
                    """
                    SELECT inbox_count(\(department), \(states), \(filter.overdueOnly), \(filter.category ?? ""), \(filter.area ?? ""),
                                       \(cap)::integer)
                    """
                ).scalar(Int.self) ?? 0
            }
        }
        return try connection.query(
            """
            SELECT count(*) FROM (
                SELECT 1 FROM cases c
                WHERE c.state = ANY(\(states)::case_state[])
                  AND (NOT \(filter.overdueOnly) OR c.response_overdue OR c.resolution_overdue)
                  AND c.category_code LIKE \((filter.category ?? "") + "%") AND c.area_code LIKE \((filter.area ?? "") + "%")
                LIMIT \(cap + 1)) AS matching
            """).scalar(Int.self) ?? 0
    }

    /// A department's inbox: its active tasks' cases, most urgent first. `inbox_case_ids`
    /// (migration 014) picks the ids in deadline order from an index; the rows are then read
    /// under the read policies, as every read is.
    func inbox(_ department: String, filter: CaseFilter, states: [String], on connection: PostgresConnection) throws -> [CaseSummary] {
        let rows = try connection.query(
            """
            SELECT \(unsafe: Self.summaryColumns), t.role, t.state
            FROM cases c
            LEFT JOIN case_tasks t ON t.case_id = c.id AND t.department_code = \(department) AND t.state IN ('pending', 'accepted')
            WHERE c.id = ANY (ARRAY(SELECT inbox_case_ids(
                \(department), \(states), \(filter.overdueOnly), \(filter.category ?? ""), \(filter.area ?? ""),
                \(filter.limit + filter.offset)::integer)))
            ORDER BY \(unsafe: Self.dueExpression) NULLS LAST, c.id
            OFFSET \(filter.offset)
            """)
        return try rows.map { try Self.summary($0, task: true) }
    }

    /// One case, with its tasks; the contact masked unless `reveal` (which the database
    /// allows only for roles that may, and records).
    public func detail(_ id: Int64, reveal: Bool, on connection: PostgresConnection) throws -> CaseDetail {
        let rows = try connection.query(
            """
            SELECT \(unsafe: Self.summaryColumns), c.source, c.external_id, c.channel, c.description, c.address, c.rule_id,
                   c.rule_version, c.return_count, c.reopen_count, c.merged_into, c.close_reason, c.reply
            FROM cases c WHERE c.id = \(id)
            """)
        guard let row = rows.first else { throw CaseworkError(.notFound, "there is no case \(id) you may see") }
        let summary = try Self.summary(row, task: false)
        let (source, externalID, channel, description, address, ruleID) = try row.decode(
            (String, String, String, String, String?, String?).self, startingAt: 13)
        let (ruleVersion, returns, reopens, mergedInto, closeReason, reply) = try row.decode(
            (Int?, Int, Int, Int64?, String?, String?).self, startingAt: 19)
        let contact = try reveal
            ? self.contact(id, on: connection)
            : CaseworkError.translating {
                try connection.query("SELECT citizen_name, citizen_phone FROM case_contact_masked(\(id))")[0].decode((String?, String?).self)
            }
        let tasks = try connection.query(
            """
            SELECT department_code, role, state, final, assigned_at, accepted_at, finished_at
            FROM case_tasks WHERE case_id = \(id) ORDER BY id
            """
        ).map { row in
            let (department, role, state, final, assigned, accepted, finished) = try row.decode((String, String, String, Bool, Date, Date?, Date?).self)
            return CaseTask(department: department, role: role, state: state, final: final, assigned_at: assigned, accepted_at: accepted, finished_at: finished)
        }
        return CaseDetail(
            summary: summary, source: source, external_id: externalID, channel: channel, description: description, address: address,
            citizen_name: contact.0 ?? "", citizen_phone: contact.1 ?? "", contact_revealed: reveal, rule_id: ruleID,
            rule_version: ruleVersion, return_count: returns, reopen_count: reopens, merged_into: mergedInto,
            close_reason: closeReason, reply: reply, tasks: tasks)
    }

    /// Open cases past a deadline now, longest overdue first: a case not accepted by its
    /// response deadline is overdue on that clock; one past its resolution deadline on that
    /// one. `total` is how many there are in all.
    public func overdueCases(limit: Int, on connection: PostgresConnection) throws -> (cases: [OverdueCase], total: Int) {
        let rows = try connection.query(
            """
            WITH o AS (
                SELECT c.id, c.lead_department,
                       CASE WHEN c.resolution_overdue THEN 'resolution' ELSE 'response' END AS clock,
                       CASE WHEN c.resolution_overdue THEN c.resolution_due ELSE c.response_due END AS since
                FROM cases c
                WHERE c.state = ANY (case_open_states())
                  AND (c.resolution_overdue OR (c.response_overdue AND c.accepted_at IS NULL)))
            SELECT id, lead_department, clock, since, count(*) OVER () FROM o ORDER BY since NULLS LAST, id LIMIT \(limit)
            """)
        var total = 0
        let cases = try rows.map { row in
            let (id, department, clock, since, count) = try row.decode((Int64, String?, String, Date?, Int).self)
            total = count
            return OverdueCase(id: id, department: department, clock: OverdueCase.Clock(rawValue: clock) ?? .resolution, since: since)
        }
        return (cases, total)
    }

    /// The event log of a case, oldest first. It reads every month's index (one probe each):
    /// at 10 M cases over 41 months that measured faster than pruning them by the case's
    /// received time (README.md, "The history by month").
    public func history(_ id: Int64, on connection: PostgresConnection) throws -> [CaseEvent] {
        try connection.query(
            """
            SELECT id, at, actor, kind, from_state, to_state, department_code, reason, public, details
            FROM case_events WHERE case_id = \(id) ORDER BY id
            """
        ).map { row in
            let (eventID, at, actor, kind, from, to, department) = try row.decode((Int64, Date, String, String, CaseState?, CaseState?, String?).self)
            let (reason, isPublic, details) = try row.decode((String?, Bool, PostgresJSONB).self, startingAt: 7)
            return CaseEvent(id: eventID, at: at, actor: actor, kind: kind, from_state: from, to_state: to, department: department,
                             reason: reason, public: isPublic, details: details.text)
        }
    }

    /// Escalations since `since`, newest first; only the department's when given.
    public func escalations(since: Date, department: String?, on connection: PostgresConnection) throws -> [Escalation] {
        try connection.query(
            """
            SELECT e.case_id, e.at, e.details->>'clock', (e.details->>'due')::timestamptz, e.department_code, c.state, c.title
            FROM case_events e JOIN cases c ON c.id = e.case_id
            WHERE e.kind = 'escalated' AND e.at >= \(since) AND (\(department)::text IS NULL OR e.department_code = \(department))
            ORDER BY e.at DESC, e.id DESC LIMIT 500
            """
        ).map { row in
            let (caseID, at, clock, due, department, state, title) = try row.decode((Int64, Date, String, Date?, String?, CaseState, String).self)
            return Escalation(case_id: caseID, at: at, clock: clock, due: due, department: department, state: state, title: title)
        }
    }

    /// Extension requests, pending first.
    public func extensions(pendingOnly: Bool, on connection: PostgresConnection) throws -> [ExtensionRequest] {
        try connection.query(
            """
            SELECT id, case_id, department_code, requested_by, requested_at, previous_due, until, reason, state
            FROM extensions WHERE NOT \(pendingOnly) OR state = 'pending'
            ORDER BY state <> 'pending', requested_at LIMIT 500
            """
        ).map { row in
            let (id, caseID, department, by, at, previous, until) = try row.decode((Int64, Int64, String, String, Date, Date, Date).self)
            let (reason, state) = try row.decode((String, String).self, startingAt: 7)
            return ExtensionRequest(id: id, case_id: caseID, department: department, requested_by: by, requested_at: at,
                                    previous_due: previous, until: until, reason: reason, state: state)
        }
    }
}
