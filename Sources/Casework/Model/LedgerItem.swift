public import Foundation

/// The state of a ledger item (台账事项): open, close-out requested, closed out (销号). A
/// refused request goes back to open. Overdue is not a state: the deadline passed first.
public enum LedgerItemState: String, Sendable, Codable, CaseIterable {
    case open
    case requested
    case closedOut = "closed_out"

    /// As a person reads it.
    public var label: String {
        switch self {
        case .open: "open"
        case .requested: "close-out requested"
        case .closedOut: "closed out"
        }
    }
}

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

/// An item with what hangs off it, for `ledger show`.
public struct LedgerItemDetail: Sendable, Equatable, Codable {
    public var item: LedgerItem
    public var cases: [Int64]
    public var events: [Event]
    public var evidence: [Evidence]

    /// One change of the item (table `ledger_events`).
    public struct Event: Sendable, Equatable, Codable {
        public var id: Int64
        public var at: Date
        public var actor: String
        public var kind: String
        public var department: String?
        public var note: String?
        /// The event's details, as JSON text.
        public var details: String
    }

    /// One evidence file of a close-out request: its name, type read from its bytes, size and
    /// SHA-256 (hex); the bytes are read on their own (``CaseworkStore/evidence(_:on:)``).
    public struct Evidence: Sendable, Equatable, Codable {
        public var id: Int64
        public var event: Int64
        public var name: String
        public var mediaType: String
        public var size: Int
        public var sha256: String

        enum CodingKeys: String, CodingKey {
            case id, event, name, size, sha256
            case mediaType = "media_type"
        }
    }
}

/// A new item as the office types it (`ledger new`), or a line of a campaign's list.
public struct NewLedgerItem: Sendable, Equatable, Codable {
    public var title: String
    public var place: String?
    public var area: String?
    public var lead: String
    public var assisting: [String]
    /// `YYYY-MM-DD` as typed (the database reads and checks it; a list's bad date is reported
    /// with its line).
    public var due: String
    public var source: String?
    public var sourceRef: String?

    public init(title: String, place: String? = nil, area: String? = nil, lead: String, assisting: [String] = [],
                due: String, source: String? = nil, sourceRef: String? = nil) {
        self.title = title
        self.place = place
        self.area = area
        self.lead = lead
        self.assisting = assisting
        self.due = due
        self.source = source
        self.sourceRef = sourceRef
    }

    enum CodingKeys: String, CodingKey {
        case title, place, area, lead, assisting, due, source
        case sourceRef = "source_ref"
    }
}
