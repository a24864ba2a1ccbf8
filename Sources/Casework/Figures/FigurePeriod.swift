import Foundation

/// A reporting period: a 旬 (days 1–10, 11–20, 21 to the month's end), a month, a quarter,
/// or any range of days. `first` and `last` are both included.
public struct FigurePeriod: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case dekad, month, quarter, range
    }

    public let kind: Kind
    public let first: CalendarDay
    public let last: CalendarDay

    public init(first: CalendarDay, last: CalendarDay) throws(FigurePeriodError) {
        guard first <= last else { throw FigurePeriodError("the period ends before it starts") }
        guard last.number - first.number < 3_700 else { throw FigurePeriodError("a period may span at most ten years") }
        self.init(kind: .range, first: first, last: last)
    }

    private init(kind: Kind, first: CalendarDay, last: CalendarDay) {
        self.kind = kind
        self.first = first
        self.last = last
    }

    /// Parses `2026-11` (a month), `2026-11-2` (its second 旬), `2026-Q4` (a quarter).
    public init(parsing text: String) throws(FigurePeriodError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        let problem = FigurePeriodError("a period is YYYY-MM (a month), YYYY-MM-N (its N-th 旬, 1 to 3) or YYYY-QN (a quarter)")
        guard parts.count >= 2, parts[0].count == 4, let year = Int(parts[0]), year >= 1970 else { throw problem }
        if parts.count == 2, parts[1].count == 2, parts[1].first == "Q", let quarter = Int(parts[1].dropFirst()), (1...4).contains(quarter) {
            let first = CalendarDay(year: year, month: quarter * 3 - 2, day: 1)!
            self.init(kind: .quarter, first: first, last: Self.monthEnd(year: year, month: quarter * 3))
            return
        }
        guard parts[1].count == 2, let month = Int(parts[1]), (1...12).contains(month) else { throw problem }
        let first = CalendarDay(year: year, month: month, day: 1)!
        if parts.count == 2 {
            self.init(kind: .month, first: first, last: Self.monthEnd(year: year, month: month))
            return
        }
        guard parts.count == 3, parts[2].count == 1, let dekad = Int(parts[2]), (1...3).contains(dekad) else { throw problem }
        let start = first.adding(days: (dekad - 1) * 10)
        self.init(kind: .dekad, first: start, last: dekad == 3 ? Self.monthEnd(year: year, month: month) : start.adding(days: 9))
    }

    /// The month that `day` falls in.
    public static func month(of day: CalendarDay) -> FigurePeriod {
        let (year, month, _) = day.components
        return try! FigurePeriod(parsing: String(format: "%04d-%02d", year, month))
    }

    /// How many days the period has.
    public var days: Int { last.number - first.number + 1 }

    public func contains(_ day: CalendarDay) -> Bool { first <= day && day <= last }

    public var description: String {
        let (year, month, day) = first.components
        switch kind {
        case .month: return String(format: "%04d-%02d", year, month)
        case .dekad: return String(format: "%04d-%02d-%d", year, month, (day - 1) / 10 + 1)
        case .quarter: return "\(year)-Q\((month - 1) / 3 + 1)"
        case .range: return "\(first)..\(last)"
        }
    }

    private static func monthEnd(year: Int, month: Int) -> CalendarDay {
        CalendarDay(year: year, month: month, day: CalendarDay.daysIn(month: month, year: year))!
    }
}

/// A period that cannot be read; the message says what is expected.
public struct FigurePeriodError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
