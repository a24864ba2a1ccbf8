public import Foundation

/// One item of the problem ledger (table `ledger_items`).
public struct LedgerItem: Sendable, Equatable, Codable {
    public var id: Int64
    public var title: String
    public var place: String?
    public var area: String?
    public var lead: String
    public var assisting: [String]
    /// The deadline's working day (local); the deadline is the end of it.
    public var due: CalendarDay
    public var deadline: Date
    public var source: String?
    public var sourceRef: String?
    public var hotspot: Int64?
    public var state: LedgerItemState
    public var createdAt: Date
    public var createdBy: String
    public var closedAt: Date?
    public var escalatedAt: Date?
    public var cases: Int

    /// Past its deadline at `now` and not closed out.
    public func isOverdue(at now: Date) -> Bool { state != .closedOut && deadline <= now }

    /// Closed out by its deadline; nil while not closed out.
    public var closedOnTime: Bool? { closedAt.map { $0 <= deadline } }

    enum CodingKeys: String, CodingKey {
        case id, title, place, area, lead, assisting, due, deadline, source, hotspot, state, cases
        case sourceRef = "source_ref"
        case createdAt = "created_at"
        case createdBy = "created_by"
        case closedAt = "closed_at"
        case escalatedAt = "escalated_at"
    }
}
