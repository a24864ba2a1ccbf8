public import Foundation

/// Which days are working days: Monday to Friday, except holidays, plus make-up working days
/// (调休, usually a Saturday or Sunday next to a holiday week). Times are read in one time zone.
///
/// Pure and `Sendable`; loaded from `calendar_days` by ``CaseworkStore``.
public struct WorkCalendar: Sendable, Equatable {
    public let timeZone: TimeZone
    public let holidays: Set<CalendarDay>
    public let workdays: Set<CalendarDay>

    public init(timeZone: TimeZone, holidays: Set<CalendarDay> = [], workdays: Set<CalendarDay> = []) {
        self.timeZone = timeZone
        self.holidays = holidays
        self.workdays = workdays
    }

    public func isWorkingDay(_ day: CalendarDay) -> Bool {
        if holidays.contains(day) { return false }
        if workdays.contains(day) { return true }
        return !day.isWeekend
    }

    /// The local day `date` falls on.
    public func day(of date: Date) -> CalendarDay {
        let local = date.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: date))
        return CalendarDay(number: Int((local / 86_400).rounded(.down)))
    }

    /// Local midnight at the start of `day`.
    public func start(of day: CalendarDay) -> Date {
        let utcMidnight = Double(day.number) * 86_400
        let guess = Date(timeIntervalSince1970: utcMidnight - Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: utcMidnight))))
        return Date(timeIntervalSince1970: utcMidnight - Double(timeZone.secondsFromGMT(for: guess)))
    }

    /// The end of the `count`-th working day after the day of `date` (the day itself does
    /// not count, whatever the hour): 1 working day from a Friday afternoon is the end of
    /// Monday, or of the first working day after a holiday week.
    public func end(ofWorkingDays count: Int, after date: Date) -> Date {
        var day = self.day(of: date)
        var remaining = max(0, count)
        // A calendar with no working days at all would loop forever; stop after ten years.
        var guardDays = 3660
        while remaining > 0, guardDays > 0 {
            day = day.adding(days: 1)
            if isWorkingDay(day) { remaining -= 1 }
            guardDays -= 1
        }
        return start(of: day.adding(days: 1))
    }
}
