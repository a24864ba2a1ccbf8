/// What a figure is about: a department in one role (lead 主办 or assisting 协办), an area, or
/// a category.
public struct FigureUnit: Sendable, Hashable, Comparable, Codable {
    public enum Dimension: String, Sendable, Codable, CaseIterable {
        case department, area, category
    }

    public enum Role: String, Sendable, Codable {
        case lead, assist, all
    }

    public let dimension: Dimension
    public let key: String
    public let role: Role

    public init(_ dimension: Dimension, _ key: String, role: Role = .all) {
        self.dimension = dimension
        self.key = key
        self.role = role
    }

    public static func lead(_ department: String) -> FigureUnit { FigureUnit(.department, department, role: .lead) }
    public static func assist(_ department: String) -> FigureUnit { FigureUnit(.department, department, role: .assist) }

    public static func < (lhs: FigureUnit, rhs: FigureUnit) -> Bool {
        (lhs.dimension.rawValue, lhs.key, lhs.role.rawValue) < (rhs.dimension.rawValue, rhs.key, rhs.role.rawValue)
    }
}

/// A unit on one day: the key of a `figure_rollup` row.
public struct FigureKey: Sendable, Hashable, Comparable {
    public let unit: FigureUnit
    public let day: CalendarDay

    public init(_ unit: FigureUnit, _ day: CalendarDay) {
        self.unit = unit
        self.day = day
    }

    public static func < (lhs: FigureKey, rhs: FigureKey) -> Bool {
        (lhs.unit.dimension.rawValue, lhs.day, lhs.unit.key, lhs.unit.role.rawValue)
            < (rhs.unit.dimension.rawValue, rhs.day, rhs.unit.key, rhs.unit.role.rawValue)
    }
}
