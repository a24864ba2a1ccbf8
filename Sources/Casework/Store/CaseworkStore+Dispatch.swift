public import Foundation
public import Postgres

extension CaseworkStore {
    /// The cases the model learns from: finished by a unit, not merged away.
    static let finishedByAUnit = """
        c.state IN ('resolved', 'closed') AND coalesce(c.close_reason, '') <> 'merged' AND c.lead_department IS NOT NULL
        """

    /// The cases the dispatch model learns from (issue 20): those received in
    /// `from ..< until` that a unit finished (resolved or closed, not merged or withdrawn), each
    /// labelled with its lead unit as it ended — after any returns and desk rulings — and with
    /// where the rules first sent it (the router's first `dispatched` or `manual_dispatch`
    /// event; a dispatch by the model counts as the rules' desk). Oldest first, read `page` cases
    /// at a time by key: each page's index scan on `received_at` starts at the last page's time,
    /// not at `from` again. With `finishedSince`, only cases resolved (or closed) since then.
    public func dispatchHistory(
        from: Date, until: Date, finishedSince: Date? = nil, page: Int = 10_000, on connection: PostgresConnection
    ) throws -> [DispatchExample] {
        var examples: [DispatchExample] = []
        try dispatchHistory(from: from, until: until, finishedSince: finishedSince, page: page, on: connection) { examples.append($0) }
        return examples
    }

    /// The same cases in the same order, each passed to `body` as its page is read, so that
    /// the whole history need not be held in memory.
    public func dispatchHistory(
        from: Date, until: Date, finishedSince: Date? = nil, page: Int = 10_000, on connection: PostgresConnection,
        _ body: (DispatchExample) throws -> Void
    ) throws {
        var after: (Date, Int64) = (from, 0)
        while true {
            let rows = try connection.query(
                """
                SELECT c.id, c.received_at, c.category_code, c.area_code, c.channel, c.title, c.description, c.lead_department,
                       r.kind, r.department_code, r.source
                FROM cases c
                LEFT JOIN LATERAL (
                    SELECT e.kind, e.department_code, e.details ->> 'source' AS source FROM case_events e
                    WHERE e.case_id = c.id AND e.at >= c.received_at - interval '1 day'
                      AND e.actor = 'router' AND e.kind IN ('dispatched', 'manual_dispatch')
                    ORDER BY e.id LIMIT 1) r ON true
                WHERE \(unsafe: Self.finishedByAUnit)
                  AND (c.received_at, c.id) > (\(after.0), \(after.1))
                  AND c.received_at >= \(after.0) AND c.received_at < \(until)
                  AND (\(finishedSince)::timestamptz IS NULL OR coalesce(c.resolved_at, c.closed_at) >= \(finishedSince))
                ORDER BY c.received_at, c.id
                LIMIT \(page)
                """)
            for row in rows {
                let (id, received, category, area, channel, title, description, unit) = try row.decode(
                    (Int64, Date, String, String, String, String, String, String).self)
                let (kind, department) = try (row.decode(String?.self, at: 8), row.decode(String?.self, at: 9))
                let byModel = try row.decode(String?.self, at: 10) == "model"
                let rules: DispatchExample.RulesRouting = switch (kind, department) {
                case ("dispatched", _) where byModel: .desk
                case ("dispatched", let unit?): .unit(unit)
                case ("manual_dispatch", _): .desk
                default: .unknown
                }
                try body(DispatchExample(
                    input: DispatchInput(category: category, area: area, channel: channel, title: title, description: description),
                    unit: unit, received: received, rules: rules))
                after = (received, id)
            }
            if rows.count < page { return }
        }
    }

    /// How many cases ``dispatchHistory(from:until:finishedSince:page:on:)`` reads for the window.
    public func dispatchHistoryCount(from: Date, until: Date, on connection: PostgresConnection) throws -> Int {
        try connection.query(
            """
            SELECT count(*) FROM cases c
            WHERE \(unsafe: Self.finishedByAUnit) AND c.received_at >= \(from) AND c.received_at < \(until)
            """).scalar(Int.self) ?? 0
    }

    /// The dispatch model's first choice for each of `cases` at the desk (manual dispatch)
    /// among the units that have not returned it, by case id; empty when none is at the desk or
    /// no model is in use (the model is read only then).
    public func deskSuggestions(_ cases: [CaseSummary], on connection: PostgresConnection) throws -> [Int64: DispatchModel.Suggestion] {
        let desk = cases.filter { $0.state == .manualDispatch }.map(\.id)
        guard !desk.isEmpty, let (_, model) = try dispatchModelInUse(on: connection) else { return [:] }
        var suggestions: [Int64: DispatchModel.Suggestion] = [:]
        for routed in try routingCases(ids: desk, on: connection) {
            suggestions[routed.id] = model.firstChoice(routed.input)
        }
        return suggestions
    }
}
