/// One event of `ledger_events` as it is sealed into the log: every column, and its item's
/// lead unit and deadline, as text in one canonical form (`ledger_leaf_hash`, migration 024).
public struct LedgerLogEvent: Sendable, Codable, Equatable {
    public var id: Int64
    public var item: Int64
    /// UTC with microseconds, `2026-11-05T01:02:03.123456Z`.
    public var at: String
    public var actor: String
    public var kind: String
    public var fromState: String?
    public var toState: String?
    public var department: String?
    public var note: String?
    /// `details` as PostgreSQL prints jsonb.
    public var details: String
    /// The item's lead unit.
    public var lead: String
    /// The item's deadline, in the form of ``at``.
    public var deadline: String

    public init(
        id: Int64, item: Int64, at: String, actor: String, kind: String, fromState: String?, toState: String?,
        department: String?, note: String?, details: String, lead: String, deadline: String
    ) {
        self.id = id
        self.item = item
        self.at = at
        self.actor = actor
        self.kind = kind
        self.fromState = fromState
        self.toState = toState
        self.department = department
        self.note = note
        self.details = details
        self.lead = lead
        self.deadline = deadline
    }

    enum CodingKeys: String, CodingKey {
        case id, item, at, actor, kind, department, note, details, lead, deadline
        case fromState = "from"
        case toState = "to"
    }

    /// The leaf's bytes (``LeafRecord``): the version line `civicq-ledger-event/1`, then each field.
    public var leafData: [UInt8] {
        var record = LeafRecord(version: "civicq-ledger-event/1", capacity: 256 + details.utf8.count + (note?.utf8.count ?? 0))
        for value in [String(id), String(item), at, actor, kind, fromState, toState, department, note, details, lead, deadline] {
            record.field(value)
        }
        return record.bytes
    }

    public var leafHash: [UInt8] { MerkleHash.leaf(leafData) }
}
