public import Foundation

/// A hot spot the scan found (table `hotspots`): one category in one street or district on
/// one local day, with the count and the baseline it was tested against (``HotspotRule``).
public struct Hotspot: Sendable, Equatable, Codable {
    public var id: Int64
    public var category: String
    public var area: String
    /// `street` or `district`.
    public var level: String
    public var day: CalendarDay
    public var count: Int
    public var expected: Double
    public var pValue: Double
    public var firstSeen: Date
    /// `open`, `dismissed`, or `itemized` (made a ledger item).
    public var state: String

    enum CodingKeys: String, CodingKey {
        case id, category, area, level, day, count, expected, state
        case pValue = "p_value"
        case firstSeen = "first_seen"
    }
}
