import Casework
import Foundation
import Testing

@Suite("Deadlines on the working-day calendar")
struct DeadlineTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    /// National Day week 2026: 1–7 October off; Sunday 27 September and Saturday 10 October worked (调休).
    static let calendar = WorkCalendar(
        timeZone: shanghai,
        holidays: Set((1...7).map { CalendarDay(year: 2026, month: 10, day: $0)! }),
        workdays: [CalendarDay("2026-09-27")!, CalendarDay("2026-10-10")!])

    static func at(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text)!
    }

    @Test func calendarDaysConvertBothWays() {
        #expect(CalendarDay("1970-01-01")?.number == 0)
        #expect(CalendarDay("2024-01-01")?.weekday == 1)  // a Monday
        #expect(CalendarDay("2026-10-01")?.weekday == 4)  // a Thursday
        #expect(CalendarDay("2024-02-29")?.description == "2024-02-29")
        #expect(CalendarDay("2026-02-29") == nil)
        #expect(CalendarDay("2026-13-01") == nil)
        #expect(CalendarDay("26-01-01") == nil)
        for number in stride(from: -300_000, to: 2_900_000, by: 997) {
            let day = CalendarDay(number: number)
            #expect(CalendarDay(day.description) == day)
        }
    }

    @Test func workingDaysFollowHolidaysAndMakeUpDays() {
        let calendar = Self.calendar
        #expect(!calendar.isWorkingDay(CalendarDay("2026-10-05")!))  // Monday, holiday
        #expect(calendar.isWorkingDay(CalendarDay("2026-10-10")!))  // Saturday, made up
        #expect(calendar.isWorkingDay(CalendarDay("2026-09-27")!))  // Sunday, made up
        #expect(!calendar.isWorkingDay(CalendarDay("2026-10-11")!))  // an ordinary Sunday
        #expect(calendar.isWorkingDay(CalendarDay("2026-10-08")!))
    }

    @Test func oneWorkingDayAcrossTheHolidayWeek() {
        // Received on Wednesday 30 September: the next working day is Thursday 8 October.
        let due = Self.calendar.end(ofWorkingDays: 1, after: Self.at("2026-09-30T10:00:00+08:00"))
        #expect(due == Self.at("2026-10-09T00:00:00+08:00"))
    }

    @Test func threeWorkingDaysIncludeTheMakeUpSaturday() {
        // Thursday 8, Friday 9 and Saturday 10 October (made up).
        let due = Self.calendar.end(ofWorkingDays: 3, after: Self.at("2026-09-30T23:59:00+08:00"))
        #expect(due == Self.at("2026-10-11T00:00:00+08:00"))
    }

    @Test func aMakeUpSundayCounts() {
        // Friday afternoon: Saturday 26 is off, Sunday 27 September is worked.
        let due = Self.calendar.end(ofWorkingDays: 1, after: Self.at("2026-09-25T15:00:00+08:00"))
        #expect(due == Self.at("2026-09-28T00:00:00+08:00"))
    }

    @Test func theDayOfIntakeIsReadInTheCalendarsTimeZone() {
        // 20:00 UTC on Friday 25 September is already Saturday 04:00 in Shanghai.
        let due = Self.calendar.end(ofWorkingDays: 1, after: Self.at("2026-09-25T20:00:00Z"))
        #expect(due == Self.at("2026-09-28T00:00:00+08:00"))
    }

    @Test func naturalHoursAndDaysIgnoreTheCalendar() throws {
        let start = Self.at("2026-09-30T10:00:00+08:00")
        let urgent = try #require(ClockPolicy.defaults.first { $0.name == "urgent" })
        let deadlines = urgent.deadlines(from: start, calendar: Self.calendar)
        #expect(deadlines.response == Self.at("2026-09-30T12:00:00+08:00"))
        #expect(deadlines.resolution == Self.at("2026-10-01T10:00:00+08:00"))
        let ordinary = try #require(ClockPolicy.defaults.first { $0.name == "ordinary" })
        let ordinaryDeadlines = ordinary.deadlines(from: start, calendar: Self.calendar)
        #expect(ordinaryDeadlines.response == Self.at("2026-10-09T00:00:00+08:00"))
        #expect(ordinaryDeadlines.resolution == Self.at("2026-10-07T10:00:00+08:00"))
    }

    @Test func utilitiesGetThreeWorkingDaysToResolve() throws {
        let utilities = try #require(ClockPolicy.defaults.first { $0.name == "utilities" })
        let deadlines = utilities.deadlines(from: Self.at("2026-11-20T09:00:00+08:00"), calendar: Self.calendar)  // a Friday
        #expect(deadlines.response == Self.at("2026-11-21T09:00:00+08:00"))
        #expect(deadlines.resolution == Self.at("2026-11-26T00:00:00+08:00"))  // Mon, Tue, Wed
    }
}
