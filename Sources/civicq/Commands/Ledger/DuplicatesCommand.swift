import ArgumentParser
import Casework
import Foundation

/// `civicq case duplicates ID`: the cases that may be the same problem (并单 candidates).
struct DuplicatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duplicates",
        abstract: "Cases that may be the same problem as this one, best first, with scores and reasons.",
        discussion: """
            Candidates have the same category, are in the same street or within \
            duplicates.distance_meters, were received within duplicates.window_days, and are not \
            merged, withdrawn or rejected; you see only cases you may see. The score is 0.7 x text \
            similarity (character bigrams, rare ones weighing more) + 0.15 x place + 0.15 x same \
            caller (docs/ledger.md). \
            Merge one with: civicq case merge ID into OTHER.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var casework: CaseworkOptions
    @Argument(help: "The case id.") var id: Int64
    @Option(help: "Most candidates to list.") var limit = 10
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        try await CommandFailure.guarding {
            let (matches, timeZone) = try await casework.run(global) { [id] connection, store in
                (try store.duplicates(of: id, on: connection), try store.reportingTimeZone(on: connection))
            }
            let shown = Array(matches.prefix(limit))
            if json {
                print(JSONOutput.render(shown))
            } else {
                print(Self.table(shown, of: id, timeZone: timeZone))
            }
        }
    }

    static func table(_ matches: [DuplicateMatch], of id: Int64, timeZone: TimeZone) -> String {
        guard !matches.isEmpty else { return "no likely duplicates of case \(id)" }
        var table = TextTable("case", "score", "state", "received", "area", "lead", "why")
        for match in matches {
            table.add([String(match.id), String(format: "%.2f", match.score), match.state.rawValue,
                       Presentation.local(match.receivedAt, in: timeZone), match.area, match.lead ?? "-",
                       match.reasons.joined(separator: ", ")])
        }
        return table.render()
    }
}
