public import Foundation

/// Times and days as people type them, read in the installation's reporting time zone
/// (never the machine's): `2026-12-08`, `2026/12/8`, `2026年12月8日`, `2026-12-08 18:00`,
/// `2026-12-08T18:00:00`, or an ISO 8601 time with its own offset, which is taken as it is.
public enum LocalTime {
    /// What a typed deadline means: a day is the end of that day in `timeZone`; a time
    /// without an offset is that wall-clock time in `timeZone`; a time with an offset is itself.
    public static func deadline(_ text: String, in timeZone: TimeZone) -> Date? {
        let typed = text.trimmingCharacters(in: .whitespaces)
        if let day = CalendarDay(LedgerList.normalizedDay(typed)) {
            return WorkCalendar(timeZone: timeZone).start(of: day.adding(days: 1))
        }
        return instant(typed, in: timeZone)
    }

    /// A date and time: with an offset (`Z`, `+08:00`) as it is; without one, the wall-clock
    /// time in `timeZone` (`2026-12-08 18:00`, `2026-12-08T18:00:05`, `2026-12-08T18:00:05.250`).
    public static func instant(_ text: String, in timeZone: TimeZone) -> Date? {
        ISODate.parse(text) ?? wallClockInstant(text, in: timeZone)
    }

    /// A date and time written without an offset, as the wall-clock time in `timeZone`; nil
    /// for anything else (a time with an offset included), without parsing it as ISO 8601.
    public static func wallClockInstant(_ text: String, in timeZone: TimeZone) -> Date? {
        guard let (day, seconds) = wallClock(text) else { return nil }
        let calendar = WorkCalendar(timeZone: timeZone)
        // The wall-clock time of `day` in the zone: start of the day plus the seconds, then
        // corrected by any change of offset between midnight and that time (summer time).
        let midnight = calendar.start(of: day)
        let guess = midnight.addingTimeInterval(seconds)
        let shift = timeZone.secondsFromGMT(for: midnight) - timeZone.secondsFromGMT(for: guess)
        return guess.addingTimeInterval(TimeInterval(shift))
    }

    /// True when `text` is a date and time without an offset, which `instant` reads in a zone.
    public static func lacksOffset(_ text: String) -> Bool { wallClock(text) != nil }

    /// `YYYY-MM-DD[T| ]HH:MM[:SS[.fff]]` as the day and the seconds into it.
    static func wallClock(_ text: String) -> (CalendarDay, TimeInterval)? {
        let parts = text.split(whereSeparator: { $0 == "T" || $0 == " " })
        guard parts.count == 2, let day = CalendarDay(parts[0]) else { return nil }
        let clock = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(clock.count), clock[0].count == 2, clock[1].count == 2,
              let hour = Int(clock[0]), let minute = Int(clock[1]), (0..<24).contains(hour), (0..<60).contains(minute)
        else { return nil }
        var second = 0.0
        if clock.count == 3 {
            guard clock[2].count >= 2, let value = Double(clock[2]), value >= 0, value < 61 else { return nil }
            second = value
        }
        return (day, TimeInterval(hour * 3600 + minute * 60) + second)
    }
}
