import Casework
import Foundation
import Postgres

/// What the dashboard shows, read in one go: the operations reading (today's intake, open
/// cases, overdue by department), the current month's department figures and ranking, and
/// the city's last 30 days, and the open hot spots.
struct DashboardData: Sendable {
    let reading: OperationsReading
    let today: CalendarDay
    let month: FigurePeriod
    let settings: FigureSettings
    /// Lead departments with anything counted this month.
    let departments: [FigureRow]
    let rankings: [FigureRanking]
    /// The last 30 days, oldest first, with the city's counts (zero when nothing was counted).
    let days: [(day: CalendarDay, counts: FigureCounts)]
    let departmentNames: [String: String]
    /// Open hot spots (热点), newest day first.
    let hotspots: [Hotspot]
    /// The installation's reporting time zone (the page's times are in it) and the language
    /// the page is written in.
    let audience: Audience
    var timeZone: TimeZone { audience.timeZone }
    /// Open cases past a deadline, longest overdue first (at most `overdueListed`), and how many in all.
    let overdueCases: [OverdueCase]
    let overdueTotal: Int
    /// Names beside codes: categories, and areas (the name of the area's department).
    let categoryNames: [String: String]
    let areaNames: [String: String]

    static let trendDays = 30
    static let overdueListed = 20

    /// `language`: the page's language when asked for (`?lang=`), else the installation's.
    static func read(client: PostgresClient, schema: String, language: Language? = nil) async throws -> DashboardData {
        let reading = try await OperationsReading.read(client: client, schema: schema)
        return try await client.withConnection { connection in
            let store = CaseworkStore(schema: schema)
            let audience = try store.audience(language: language, on: connection)
            let timeZone = audience.timeZone
            let today = WorkCalendar(timeZone: timeZone).day(of: Date())
            let month = FigurePeriod.month(of: today)
            let settings = try store.figureSettings(on: connection)
            let query = FigureQuery(period: month, dimension: .department)
            let rows = try store.figureRows(query, settings: settings, on: connection).filter { $0.unit.role == .lead }
            let first = today.adding(days: -(trendDays - 1))
            let totals = try store.dailyTotals(from: first, to: today, on: connection)
            let overdue = try store.overdueCases(limit: overdueListed, on: connection)
            return DashboardData(
                reading: reading, today: today, month: month, settings: settings, departments: rows,
                rankings: try store.rankings(query, settings: settings, on: connection),
                days: (0..<trendDays).map { offset in
                    let day = first.adding(days: offset)
                    return (day, totals[day] ?? FigureCounts())
                },
                departmentNames: try store.departmentNames(on: connection),
                hotspots: try store.hotspots(limit: 10, on: connection),
                audience: audience, overdueCases: overdue.cases, overdueTotal: overdue.total,
                categoryNames: try store.categoryNames(on: connection), areaNames: try store.areaNames(on: connection))
        }
    }
}
