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
            let (matches, audience) = try await casework.read(global) { [id] connection, store, _ in
                try store.duplicates(of: id, on: connection)
            }
            let shown = Array(matches.prefix(limit))
            if json {
                print(JSONOutput.render(shown))
            } else {
                print(Self.table(shown, of: id, for: audience))
            }
        }
    }

    static func table(_ matches: [DuplicateMatch], of id: Int64, for audience: Audience) -> String {
        guard !matches.isEmpty else { return audience.say("no likely duplicates of case \(id)", "没有可能与案件 \(id) 重复的案件") }
        var table = TextTable(header: audience.language == .zhCN
            ? ["案件", "得分", "状态", "受理时间", "区域", "主办", "理由"] : ["case", "score", "state", "received", "area", "lead", "why"])
        for match in matches {
            table.add([String(match.id), String(format: "%.2f", match.score), match.state.rawValue,
                       audience.time(match.receivedAt), match.area, match.lead ?? "-",
                       match.reasons.map { audience.language == .zhCN ? Self.chinese($0) : $0 }.joined(separator: audience.say(", ", "、"))])
        }
        return table.render()
    }

    /// A reason of ``DuplicateScorer`` in Chinese.
    static func chinese(_ reason: String) -> String {
        switch reason {
        case "same area": return "同一区域"
        case "same street": return "同一街道"
        case "same caller": return "同一来电人"
        default:
            if reason.hasSuffix(" m away") { return "相距 " + reason.dropLast(7) + " 米" }
            if reason.hasPrefix("text "), reason.hasSuffix(" alike") { return "文本相似 " + reason.dropFirst(5).dropLast(6) }
            return reason
        }
    }
}
