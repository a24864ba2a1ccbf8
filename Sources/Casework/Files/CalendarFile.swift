import Foundation

/// Holidays and make-up working days (`civicq calendar import`). Importing replaces the
/// exceptions of every year the file covers.
///
/// ```yaml
/// time_zone: Asia/Shanghai       # optional: the installation's reporting time zone
/// language: zh-CN                # optional: what people read (zh-CN or en)
/// holidays:
///   - { date: 2026-01-01, name: 元旦 }
///   - { from: 2026-10-01, to: 2026-10-07, name: 国庆节 }
/// workdays:                      # 调休: weekend days that are worked
///   - { date: 2026-10-10, name: 国庆节调休 }
/// ```
public struct CalendarFile: Sendable, Codable, Equatable {
    public struct Entry: Sendable, Codable, Equatable {
        public var date: CalendarDay?
        public var from: CalendarDay?
        public var to: CalendarDay?
        public var name: String?

        func days(at index: Int, in list: String) throws -> [CalendarDay] {
            if let date, from == nil, to == nil { return [date] }
            guard date == nil, let from, let to, from <= to, to.number - from.number < 60 else {
                throw CaseworkError(.badInput, "\(list)[\(index)]: give a date, or from and to (at most 60 days apart)")
            }
            return (from.number...to.number).map(CalendarDay.init(number:))
        }
    }

    public var time_zone: String?
    /// The installation's language for people (`Language`): zh-CN or en.
    public var language: String?
    public var holidays: [Entry]?
    public var workdays: [Entry]?

    /// Every day with its kind and name; a day listed twice is an error.
    public func days() throws -> [(day: CalendarDay, kind: String, name: String?)] {
        var result: [(CalendarDay, String, String?)] = []
        var seen = Set<CalendarDay>()
        for (list, kind, entries) in [("holidays", "holiday", holidays ?? []), ("workdays", "workday", workdays ?? [])] {
            for (index, entry) in entries.enumerated() {
                for day in try entry.days(at: index, in: list) {
                    guard seen.insert(day).inserted else { throw CaseworkError(.badInput, "\(day) is listed twice") }
                    result.append((day, kind, entry.name))
                }
            }
        }
        if let zone = time_zone, TimeZone(identifier: zone) == nil {
            throw CaseworkError(.badInput, "unknown time zone \(zone)")
        }
        if let language, Language(tag: language) == nil {
            throw CaseworkError(.badInput, "unknown language \(language): zh-CN or en")
        }
        return result.sorted { $0.0 < $1.0 }
    }

    public static func parse(_ text: String) throws -> CalendarFile {
        let file: CalendarFile = try YAMLFile.decode(text, what: "calendar file")
        _ = try file.days()
        return file
    }
}
