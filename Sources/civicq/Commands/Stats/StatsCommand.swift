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
        subcommands: [StatsTable.self, StatsRanking.self, StatsSources.self, StatsVerify.self, StatsRollup.self],
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
            let ((rows, city, period, backlog, checkpoint), audience) = try await global.withAudience(reading: true) { connection, store, _ in
                let query = try options.query(today: try store.today(on: connection))
                return (try store.figureRows(query, on: connection), try store.cityFigures(query.period, on: connection), query.period,
                        try store.figuresBacklog(on: connection), try store.latestCheckpoint(on: connection))
            }
            let language = audience.language
            StatsReport.warnBacklog(backlog)
            if options.json {
                // The checkpoint the figures were computed at: its log holds every event they count
                // that had been sealed by then (a figure can be recomputed from an export of it).
                print(StatsReport.json(rows, period: period, city: city, checkpoint: checkpoint.map {
                    ["size": $0.size, "root": $0.root, "signed_at": $0.signedAt.formatted(.iso8601)] as [String: Any]
                }))
            } else if options.csv {
                print(StatsReport.csv(rows, period: period))
            } else {
                print(StatsReport.table(rows, period: period, dimension: options.dimension, city: city, language: language))
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
            let ((rankings, period, settings), audience) = try await global.withAudience(reading: true) { connection, store, _ in
                let query = try options.query(today: try store.today(on: connection))
                let settings = try store.figureSettings(on: connection)
                return (try store.rankings(query, settings: settings, on: connection), query.period, settings)
            }
            let language = audience.language
            if options.json {
                print(StatsReport.json(rankings, period: period, settings: settings))
            } else {
                print(StatsReport.table(rankings, period: period, settings: settings, language: language))
            }
        }
    }
}

/// `civicq stats verify`.
struct StatsVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute a period from the event log and compare it with the rollups, or recompute it from an export alone.",
        discussion: """
            Rolls up what is pending first. Exits 0 when they agree, 65 with the differences when not.
            With --export FILE --key PUBKEY no database is used: the export is verified (exit 65 if it
            is not proven) and the period's figures are recomputed from its events.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: StatsOptions

    @Option(help: "An event-log export (civicq log export): recompute from it, without the database.")
    var export: String?

    @Option(help: "The log's public key (NAME+ID+KEY) or a file holding it, with --export.")
    var key: String?

    func validate() throws {
        if (export == nil) != (key == nil) { throw ValidationError("--export and --key go together") }
        if export != nil, options.dimension == .department, options.level != nil {
            throw ValidationError("an export has no department levels: leave out --level with --by department")
        }
    }

    func run() async throws {
        try await CommandFailure.guarding {
            if let export, let key {
                try recompute(from: export, key: try LogKeyFile.verifier(key))
                return
            }
            let options = self.options
            let result = try await global.withStore { connection, store in
                while try store.rollUpFigures(on: connection) > 0 {}
                return try store.verifyFigures(try options.figurePeriod(today: try store.today(on: connection)), on: connection)
            }
            print(options.json ? StatsReport.json(result) : StatsReport.text(result))
            if !result.differences.isEmpty { throw ExitCode(65) }
        }
    }

    private func recompute(from file: String, key: LogVerifierKey) throws {
        let reading = LogExport.verify(lines: try LogFileLines(path: file), key: key, keepEvents: true)
        guard reading.verification.proven, let header = reading.header, let latest = reading.verification.latest else {
            LogReport.print(reading.verification, seconds: 0, json: options.json,
                            timeZone: reading.header.flatMap { TimeZone(identifier: $0.timeZone) } ?? .gmt)
            throw ExitCode(CommandFailure.Code.dataError.rawValue)
        }
        guard header.from == 0 else {
            throw CommandFailure.Refusal("the export starts at position \(header.from): recomputing figures needs the whole log (export without --from)")
        }
        guard let zone = TimeZone(identifier: header.timeZone) else { throw CommandFailure.Refusal("the export's time zone is unknown") }
        let query = try options.query(today: WorkCalendar(timeZone: zone).day(of: Date()))
        let settings = FigureSettings()
        let rows = FigureRecomputation.counts(events: reading.events, query: query, timeZone: zone)
            .sorted { $0.key < $1.key }
            .map { FigureRow(unit: $0.key, counts: $0.value, settings: settings) }
        let proof: [String: Any] = ["size": latest.size, "root": Data(latest.root).base64EncodedString(),
                                    "signed_at": latest.time.formatted(.iso8601), "checkpoints": reading.verification.checkpointsProven]
        if options.json {
            print(StatsReport.json(rows, period: query.period, checkpoint: proof))
        } else if options.csv {
            print(StatsReport.csv(rows, period: query.period))
        } else {
            print("recomputed from \(reading.verification.events) events proven by \(reading.verification.checkpointsProven) checkpoints, "
                + "the latest of size \(latest.size) signed at \(Presentation.local(latest.time, in: zone)) (time zone \(header.timeZone))")
            print(StatsReport.table(rows, period: query.period, dimension: query.dimension))
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
