import ArgumentParser
import Casework
import Foundation

/// The period and grouping every `civicq stats` command takes.
struct StatsOptions: ParsableArguments {
    @Option(help: "2026-11 (a month), 2026-11-2 (its second 旬), 2026-Q4 (a quarter). Default: this month.")
    var period: String?

    @Option(help: "First day of a range (YYYY-MM-DD), with --to.")
    var from: String?

    @Option(help: "Last day of a range (YYYY-MM-DD), included.")
    var to: String?

    @Option(help: "department, area or category.")
    var by: String = "department"

    @Option(help: "Departments: city, district, street, community or grid. Areas: district, street or community. Categories: class, middle or minor.")
    var level: String?

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Print CSV.")
    var csv = false

    func validate() throws {
        guard FigureUnit.Dimension(rawValue: by) != nil else { throw ValidationError("--by must be department, area or category") }
        if let level, !(FigureQuery.levels[dimension]?.contains(level) ?? false) {
            throw ValidationError("--level for --by \(by) must be one of \(FigureQuery.levels[dimension]!.joined(separator: ", "))")
        }
        if period != nil, from != nil || to != nil { throw ValidationError("give --period or --from/--to, not both") }
        if (from == nil) != (to == nil) { throw ValidationError("--from and --to go together") }
        if json && csv { throw ValidationError("choose --json or --csv") }
        _ = try figurePeriod(today: CalendarDay(number: 0))
    }

    var dimension: FigureUnit.Dimension { FigureUnit.Dimension(rawValue: by) ?? .department }

    /// The period asked for; without one, the month of `today`.
    func figurePeriod(today: CalendarDay) throws -> FigurePeriod {
        do {
            if let period { return try FigurePeriod(parsing: period) }
            if let from, let to {
                guard let first = CalendarDay(from), let last = CalendarDay(to) else {
                    throw ValidationError("--from and --to are dates: YYYY-MM-DD")
                }
                return try FigurePeriod(first: first, last: last)
            }
            return FigurePeriod.month(of: today)
        } catch let error as FigurePeriodError {
            throw ValidationError(error.description)
        }
    }

    func query(today: CalendarDay) throws -> FigureQuery {
        FigureQuery(period: try figurePeriod(today: today), dimension: dimension, level: level)
    }
}
