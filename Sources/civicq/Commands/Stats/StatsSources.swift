import ArgumentParser
import Casework
import Foundation

/// `civicq stats sources`: dispatches by who made them — a rule, the dispatch model (智能派单),
/// a person at the desk — and how many of each the unit returned (退单).
struct StatsSources: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sources",
        abstract: "Dispatches by source (rule, model, desk) in a period, and the share of each that was returned.",
        discussion: """
            A dispatch counts in the period it was made (days in the reporting time zone); it was returned when the \
            unit it went to returned the case afterwards, whenever that was. City-wide: --by and --level do not apply.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: StatsOptions

    func validate() throws {
        guard options.dimension == .department, options.level == nil else {
            throw ValidationError("dispatch sources are city-wide: leave out --by and --level")
        }
        guard !options.csv else { throw ValidationError("dispatch sources print as a table or --json") }
    }

    struct Listing: Encodable {
        var period: String
        var sources: [DispatchSourceFigures]
    }

    func run() async throws {
        try await CommandFailure.guarding {
            let options = self.options
            let ((sources, period), audience) = try await global.withAudience(reading: true) { connection, store, _ in
                let period = try options.figurePeriod(today: try store.today(on: connection))
                return (try store.dispatchSources(period, on: connection), period)
            }
            if options.json { print(JSONOutput.render(Listing(period: period.description, sources: sources))); return }
            let say = audience.say
            let names = ["rule": say("rule", "规则"), "model": say("model", "模型"), "desk": say("desk", "人工")]
            var table = TextTable(header: [say("source", "派单方式"), say("dispatches", "派单数"), say("returned", "退单数"), say("return rate", "退单率")])
            for source in sources {
                table.add([names[source.source] ?? source.source, String(source.dispatches), String(source.returned),
                           RouteReport.percent(source.returnRate.value)])
            }
            print(say("dispatches \(period.description)", "派单 \(period.description)"))
            print(sources.isEmpty ? say("no dispatches in the period", "该时段没有派单") : table.render())
        }
    }
}
