/// The reporting periods (旬, month, quarter) that closed between two days: a checkpoint is
/// signed at each close. Pure: the days are local days in the reporting time zone.
public enum LogPeriods {
    /// The labels of the periods `from` lies in that `to` no longer does, shortest first:
    /// `2026-11-3`, then `2026-11`, then `2026-Q4` as each closes.
    public static func closed(from: CalendarDay, to: CalendarDay) -> [String] {
        guard from < to else { return [] }
        let (year, month, day) = from.components
        let (toYear, toMonth, toDay) = to.components
        let dekad = min((day - 1) / 10 + 1, 3)
        let toDekad = min((toDay - 1) / 10 + 1, 3)
        let sameMonth = year == toYear && month == toMonth
        var labels: [String] = []
        if !sameMonth || dekad != toDekad { labels.append(label(year, month) + "-\(dekad)") }
        if !sameMonth { labels.append(label(year, month)) }
        if year != toYear || (month - 1) / 3 != (toMonth - 1) / 3 { labels.append("\(year)-Q\((month - 1) / 3 + 1)") }
        return labels
    }

    private static func label(_ year: Int, _ month: Int) -> String {
        "\(year)-" + (month < 10 ? "0" : "") + "\(month)"
    }
}
