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
                let (spots, timeZone) = try await casework.run(global) { connection, store in
                    (try store.hotspots(all: all, limit: limit, on: connection), try store.reportingTimeZone(on: connection))
                }
                print(json ? JSONOutput.render(spots) : Self.table(spots, timeZone: timeZone))
            }
        }

        static func table(_ spots: [Hotspot], timeZone: TimeZone) -> String {
            guard !spots.isEmpty else { return "no hot spots" }
            var table = TextTable("id", "day", "category", "area", "level", "count", "expected", "p", "seen", "state")
            for spot in spots {
                table.add([String(spot.id), spot.day.description, spot.category, spot.area, spot.level, String(spot.count),
                           String(format: "%.1f", spot.expected), String(format: "%.1e", spot.pValue),
                           Presentation.local(spot.firstSeen, in: timeZone), spot.state])
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
            return "hot spot \(id) dismissed"
        }
    }

    struct Scan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scan now, as the worker's job does (the service or an admin), and list what is open.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await CommandFailure.guarding {
                let (hot, spots, timeZone) = try await global.withStore { connection, store in
                    (try store.scanHotspots(on: connection), try store.hotspots(on: connection), try store.reportingTimeZone(on: connection))
                }
                print("\(hot) series hot now")
                print(List.table(spots, timeZone: timeZone))
            }
        }
    }
}
