import ArgumentParser
import Casework
import Foundation
import Postgres

/// `civicq hotspots`: what the hot-spot scan found (热点), and the office's dismissal.
struct HotspotsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotspots",
        abstract: "Hot spots: a category in a street or district with more complaints than its own baseline.",
        discussion: """
            The worker's scan (every hotspots.scan_seconds) tests each day's count against the \
            series' previous hotspots.baseline_days days (Poisson, docs/ledger.md). The hotline \
            office sees them. Exit codes: 64 bad option, 66 unknown hot spot, 67 not a civicq \
            user, 73 already dismissed, 77 not permitted.
            """,
        subcommands: [List.self, ActionCommand<Dismiss>.self, Scan.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open hot spots, newest day first.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var casework: CaseworkOptions
        @Flag(help: "Dismissed ones too.") var all = false
        @Option(help: "Most hot spots to list.") var limit = 50
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        }

        func run() async throws {
            try await CommandFailure.guarding {
                let (all, limit) = (self.all, self.limit)
                let (spots, audience) = try await casework.read(global) { connection, store, _ in
                    try store.hotspots(all: all, limit: limit, on: connection)
                }
                print(json ? JSONOutput.render(spots) : Self.table(spots, for: audience))
            }
        }

        static func table(_ spots: [Hotspot], for audience: Audience) -> String {
            guard !spots.isEmpty else { return audience.say("no hot spots", "没有热点") }
            var table = TextTable(header: audience.language == .zhCN
                ? ["编号", "日期", "类别", "区域", "层级", "数量", "预期", "p", "发现时间", "状态"]
                : ["id", "day", "category", "area", "level", "count", "expected", "p", "seen", "state"])
            for spot in spots {
                table.add([String(spot.id), spot.day.description, spot.category, spot.area, spot.level, String(spot.count),
                           String(format: "%.1f", spot.expected), String(format: "%.1e", spot.pValue),
                           audience.time(spot.firstSeen), audience.language == .zhCN ? Refusals.words[spot.state] ?? spot.state : spot.state])
            }
            return table.render()
        }
    }

    struct Dismiss: CaseworkAction {
        static let configuration = CommandConfiguration(
            commandName: "dismiss", abstract: "Set a hot spot aside, with the reason (the hotline office).")
        @Argument(help: "The hot spot's id.") var id: Int64
        @Option(help: "Why it is not a problem to act on.") var reason: String

        func perform(on connection: PostgresConnection, store: CaseworkStore, for audience: Audience) throws -> String {
            try store.dismissHotspot(id, reason: reason, on: connection)
            return audience.say("hot spot \(id) dismissed", "热点 \(id) 已搁置")
        }
    }

    struct Scan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scan now, as the worker's job does (the service or an admin), and list what is open.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await CommandFailure.guarding {
                let ((hot, spots), audience) = try await global.withAudience { connection, store, _ in
                    (try store.scanHotspots(on: connection), try store.hotspots(on: connection))
                }
                print(audience.say("\(hot) series hot now", "目前有 \(hot) 个序列处于热点"))
                print(List.table(spots, for: audience))
            }
        }
    }
}
