import ArgumentParser
import Casework
import Foundation
import Postgres

/// `civicq stats`: the figures departments are assessed on.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Figures per department, area or category for a 旬, month, quarter or range.",
        discussion: """
            Rates and what they divide by are in docs/figures.md. A case counts in the period its
            deadline falls in (response and resolution), or in which the event happened (intake,
            dispatch, returns, callbacks, reopens). Figures come from the rollups the workers
            keep; `civicq stats verify` recomputes a period from the event log.
            """,
        subcommands: [StatsTable.self, StatsRanking.self, StatsVerify.self, StatsRollup.self],
        defaultSubcommand: StatsTable.self
    )
}

/// `civicq stats [table]`.
struct StatsTable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "table", abstract: "The figures table (the default).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: StatsOptions

    func run() async throws {
        try await CommandFailure.guarding {
            let options = self.options
            let (rows, period, backlog) = try await global.withStore { connection, store in
                let query = try options.query(today: try store.today(on: connection))
                return (try store.figureRows(query, on: connection), query.period, try store.figuresBacklog(on: connection))
            }
            StatsReport.warnBacklog(backlog)
            if options.json {
                print(StatsReport.json(rows, period: period))
            } else if options.csv {
                print(StatsReport.csv(rows, period: period))
            } else {
                print(StatsReport.table(rows, period: period, dimension: options.dimension))
            }
        }
    }
}

/// `civicq stats ranking`.
struct StatsRanking: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ranking",
        abstract: "Lead departments of each level ranked by composite score; leading and lagging named.",
        discussion: "Weights, how many are named and the smallest sample ranked are the figures.* settings.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: StatsOptions

    func validate() throws {
        guard options.dimension == .department else { throw ValidationError("rankings are of departments: leave out --by") }
    }

    func run() async throws {
        try await CommandFailure.guarding {
            let options = self.options
            let (rankings, period, settings) = try await global.withStore { connection, store in
                let query = try options.query(today: try store.today(on: connection))
                let settings = try store.figureSettings(on: connection)
                return (try store.rankings(query, settings: settings, on: connection), query.period, settings)
            }
            if options.json {
                print(StatsReport.json(rankings, period: period, settings: settings))
            } else {
                print(StatsReport.table(rankings, period: period, settings: settings))
            }
        }
    }
}

/// `civicq stats verify`.
struct StatsVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute a period from the event log and compare it with the rollups.",
        discussion: "Rolls up what is pending first. Exits 0 when they agree, 65 with the differences when not.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: StatsOptions

    func run() async throws {
        try await CommandFailure.guarding {
            let options = self.options
            let result = try await global.withStore { connection, store in
                while try store.rollUpFigures(on: connection) > 0 {}
                return try store.verifyFigures(try options.figurePeriod(today: try store.today(on: connection)), on: connection)
            }
            print(options.json ? StatsReport.json(result) : StatsReport.text(result))
            if !result.differences.isEmpty { throw ExitCode(65) }
        }
    }
}

/// `civicq stats rollup`.
struct StatsRollup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollup",
        abstract: "Roll up every pending change now (the workers do this every few seconds).",
        discussion: "For after a bulk import or before publishing figures; safe beside running workers.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Cases per transaction.")
    var batch = 2_000

    func run() async throws {
        try await CommandFailure.guarding {
            let started = ContinuousClock.now
            let batch = self.batch
            let total = try await global.withStore { connection, store in
                var total = 0
                while case let taken = try store.rollUpFigures(limit: batch, on: connection), taken > 0 { total += taken }
                return total
            }
            let seconds = (ContinuousClock.now - started) / .seconds(1)
            print(String(format: "rolled up %d case(s) in %.1f s", total, seconds))
        }
    }
}
