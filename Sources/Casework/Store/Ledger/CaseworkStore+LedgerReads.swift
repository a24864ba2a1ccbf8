public import Foundation
public import Postgres

/// 台账: what people read of the ledger. Plain queries: row-level security shows a unit the
/// items it leads or assists (evidence: those it leads) and the office everything.
extension CaseworkStore {
    static let ledgerItemColumns = """
        i.id, i.title, i.place, i.area_code, i.lead_department, i.assisting, i.due_day::text, i.deadline, i.source, i.source_ref,
        i.hotspot_id, i.state, i.created_at, i.created_by, i.closed_at, i.escalated_at,
        (SELECT count(*)::int FROM ledger_item_cases l WHERE l.item_id = i.id)
        """

    static func ledgerItem(_ row: PostgresRow) throws -> LedgerItem {
        let due = try row.decode(String.self, at: 6)
        return LedgerItem(
            id: try row.decode(Int64.self, at: 0), title: try row.decode(String.self, at: 1), place: try row.decode(String?.self, at: 2),
            area: try row.decode(String?.self, at: 3), lead: try row.decode(String.self, at: 4), assisting: try row.decode([String].self, at: 5),
            due: CalendarDay(due) ?? CalendarDay(number: 0), deadline: try row.decode(Date.self, at: 7),
            source: try row.decode(String?.self, at: 8), sourceRef: try row.decode(String?.self, at: 9), hotspot: try row.decode(Int64?.self, at: 10),
            state: LedgerItemState(rawValue: try row.decode(String.self, at: 11)) ?? .open, createdAt: try row.decode(Date.self, at: 12),
            createdBy: try row.decode(String.self, at: 13), closedAt: try row.decode(Date?.self, at: 14),
            escalatedAt: try row.decode(Date?.self, at: 15), cases: try row.decode(Int.self, at: 16))
    }

    /// Which items `ledger list` shows.
    public struct LedgerFilter: Sendable {
        /// Closed-out items too.
        public var all = false
        public var state: LedgerItemState?
        /// Only items past their deadline and not closed out.
        public var overdue = false
        /// Only items this unit leads or assists.
        public var unit: String?
        public var limit = 100

        public init(all: Bool = false, state: LedgerItemState? = nil, overdue: Bool = false, unit: String? = nil, limit: Int = 100) {
            self.all = all
            self.state = state
            self.overdue = overdue
            self.unit = unit
            self.limit = limit
        }
    }

    /// The items the caller may see, soonest deadline first.
    public func ledgerItems(_ filter: LedgerFilter = LedgerFilter(), on connection: PostgresConnection) throws -> [LedgerItem] {
        try connection.query(
            """
            SELECT \(unsafe: Self.ledgerItemColumns) FROM ledger_items i
            WHERE (\(filter.all) OR i.state <> 'closed_out' OR \(filter.state?.rawValue)::text IS NOT NULL)
              AND (\(filter.state?.rawValue)::text IS NULL OR i.state = \(filter.state?.rawValue))
              AND (NOT \(filter.overdue) OR (i.state <> 'closed_out' AND i.deadline <= now()))
              AND (\(filter.unit)::text IS NULL OR i.lead_department = \(filter.unit) OR \(filter.unit) = ANY (i.assisting))
            ORDER BY i.deadline, i.id LIMIT \(filter.limit)
            """).map(Self.ledgerItem)
    }

    /// One item with its cases, events and evidence list; nil when there is none the caller
    /// may see.
    public func ledgerItem(_ id: Int64, on connection: PostgresConnection) throws -> LedgerItemDetail? {
        guard let item = try connection.query("SELECT \(unsafe: Self.ledgerItemColumns) FROM ledger_items i WHERE i.id = \(id)")
            .first.map(Self.ledgerItem) else { return nil }
        let cases = try connection.query("SELECT case_id FROM ledger_item_cases WHERE item_id = \(id) ORDER BY case_id")
            .map { try $0.decode(Int64.self, at: 0) }
        let events = try connection.query(
            "SELECT id, at, actor, kind, department_code, note, details::text FROM ledger_events WHERE item_id = \(id) ORDER BY id")
            .map { row in
                LedgerItemDetail.Event(
                    id: try row.decode(Int64.self, at: 0), at: try row.decode(Date.self, at: 1), actor: try row.decode(String.self, at: 2),
                    kind: try row.decode(String.self, at: 3), department: try row.decode(String?.self, at: 4),
                    note: try row.decode(String?.self, at: 5), details: try row.decode(String.self, at: 6))
            }
        let evidence = try connection.query(
            "SELECT id, event_id, name, media_type, size, encode(sha256, 'hex') FROM ledger_evidence WHERE item_id = \(id) ORDER BY id")
            .map { row in
                LedgerItemDetail.Evidence(
                    id: try row.decode(Int64.self, at: 0), event: try row.decode(Int64.self, at: 1), name: try row.decode(String.self, at: 2),
                    mediaType: try row.decode(String.self, at: 3), size: try row.decode(Int.self, at: 4), sha256: try row.decode(String.self, at: 5))
            }
        return LedgerItemDetail(item: item, cases: cases, events: events, evidence: evidence)
    }

    /// An evidence file's name, type and bytes, when the caller may read it (the lead unit
    /// and the office).
    public func evidence(_ id: Int64, on connection: PostgresConnection) throws -> (name: String, mediaType: String, bytes: Data) {
        guard let row = try connection.query("SELECT name, media_type, content FROM ledger_evidence WHERE id = \(id)").first else {
            throw CaseworkError(.notFound, "there is no evidence file \(id) you may read")
        }
        return try row.decode((String, String, Data).self)
    }

    /// The ledger's report over `period` (``LedgerReport``), of the items the caller may see.
    public func ledgerReport(_ period: FigurePeriod, now: Date = Date(), on connection: PostgresConnection) throws -> LedgerReport {
        let timeZone = try reportingTimeZone(on: connection)
        let calendar = WorkCalendar(timeZone: timeZone)
        let start = calendar.start(of: period.first)
        let end = calendar.start(of: period.last.adding(days: 1))
        let facts = try connection.query(
            """
            SELECT lead_department, created_at, deadline, closed_at FROM ledger_items
            WHERE created_at < \(end) AND (closed_at IS NULL OR closed_at >= \(start))
            """).map { row in
                let (lead, created, deadline, closed) = try row.decode((String, Date, Date, Date?).self)
                return LedgerReport.Fact(lead: lead, createdAt: created, deadline: deadline, closedAt: closed)
            }
        return LedgerReport(period: period, facts: facts, timeZone: timeZone, now: now, names: try departmentNames(on: connection))
    }
}
