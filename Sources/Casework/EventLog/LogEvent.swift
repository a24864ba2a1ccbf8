/// One event of `case_events` as it is sealed into the log: every column, and the fixed
/// attributes of its case that the figures read (area, category, received), all as text in
/// one canonical form. The leaf is this record's bytes; the export carries the same fields.
public struct LogEvent: Sendable, Codable, Equatable {
    public var id: Int64
    public var caseID: Int64
    /// UTC with microseconds, `2026-11-05T01:02:03.123456Z`.
    public var at: String
    public var actor: String
    public var kind: String
    public var fromState: String?
    public var toState: String?
    public var department: String?
    public var reason: String?
    public var isPublic: Bool
    /// `details` as PostgreSQL prints jsonb (keys ordered, one space after `:` and `,`).
    public var details: String
    public var area: String
    public var category: String
    /// The case's `received_at`, in the form of ``at``.
    public var receivedAt: String

    public init(
        id: Int64, caseID: Int64, at: String, actor: String, kind: String, fromState: String?, toState: String?,
        department: String?, reason: String?, isPublic: Bool, details: String, area: String, category: String, receivedAt: String
    ) {
        self.id = id
        self.caseID = caseID
        self.at = at
        self.actor = actor
        self.kind = kind
        self.fromState = fromState
        self.toState = toState
        self.department = department
        self.reason = reason
        self.isPublic = isPublic
        self.details = details
        self.area = area
        self.category = category
        self.receivedAt = receivedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, at, actor, kind, department, reason, details, area, category
        case caseID = "case"
        case fromState = "from"
        case toState = "to"
        case isPublic = "public"
        case receivedAt = "received_at"
    }

    /// The leaf's bytes (``LeafRecord``): the version line `civicq-event/1`, then each field.
    public var leafData: [UInt8] {
        var record = LeafRecord(version: "civicq-event/1", capacity: 256 + details.utf8.count + (reason?.utf8.count ?? 0))
        for value in [String(id), String(caseID), at, actor, kind, fromState, toState, department, reason,
                      isPublic ? "true" : "false", details, area, category, receivedAt] {
            record.field(value)
        }
        return record.bytes
    }

    public var leafHash: [UInt8] { MerkleHash.leaf(leafData) }
}
