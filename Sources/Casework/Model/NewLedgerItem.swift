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
