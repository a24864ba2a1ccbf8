import ArgumentParser
import Casework
import Foundation
import Postgres

/// `civicq ledger`: the problem ledger (问题台账): items with a lead unit, a deadline on the
/// working-day calendar, linked cases, progress, and 销号 with evidence the office approves.
struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "The problem ledger: items, progress, close-out (销号) with evidence, and the 10-day report.",
        discussion: """
            The hotline office creates items (from selected cases, a hot spot, or a campaign's \
            list), approves or refuses close-out; the lead unit reports progress and asks for \
            close-out with evidence; an assisting unit reports progress. A unit sees the items \
            it leads or assists. Times are in the reporting time zone (docs/ledger.md). \
            Exit codes: 64 bad input, 65 a list or file that cannot be imported, 66 unknown \
            item, case or file, 67 not a civicq user, 73 wrong state, 77 not permitted.
            """,
        subcommands: [
            List.self, Show.self, ActionCommand<New>.self, Import.self, ActionCommand<Link>.self, ActionCommand<Progress>.self,
            ActionCommand<CloseOut>.self, ActionCommand<Approve>.self, ActionCommand<Refuse>.self, Evidence.self, Report.self,
        ],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Items not closed out, soonest deadline first.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var casework: CaseworkOptions
        @Flag(help: "Closed-out items too.") var all = false
        @Option(help: "Only items in this state: open, requested, closed_out.") var state: String?
        @Flag(help: "Only items past their deadline and not closed out.") var overdue = false
        @Option(help: "Only items this unit leads or assists.") var unit: String?
        @Option(help: "Most items to list.") var limit = 100
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
            if let state, LedgerItemState(rawValue: state) == nil {
                throw ValidationError("--state is one of \(LedgerItemState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func run() async throws {
            try await CommandFailure.guarding {
                let filter = CaseworkStore.LedgerFilter(all: all, state: state.flatMap(LedgerItemState.init(rawValue:)),
                                                        overdue: overdue, unit: unit, limit: limit)
                let (items, audience) = try await casework.read(global) { connection, store, _ in
                    try store.ledgerItems(filter, on: connection)
                }
                print(json ? JSONOutput.render(items) : Self.table(items, for: audience))
            }
        }

        static func table(_ items: [LedgerItem], for audience: Audience, now: Date = Date()) -> String {
            guard !items.isEmpty else { return audience.say("no ledger items", "没有台账事项") }
            var table = TextTable(header: audience.language == .zhCN
                ? ["编号", "状态", "期限", "主办", "协办", "案件", "来源", "事项"]
                : ["id", "state", "due", "lead", "assisting", "cases", "source", "title"])
            for item in items {
                let state = item.state.label(audience.language) + (item.isOverdue(at: now) ? audience.say(", overdue", "，超期") : "")
                table.add([String(item.id), state, item.due.description, item.lead, item.assisting.joined(separator: ","),
                           String(item.cases), item.source ?? "-", item.title])
            }
            return table.render()
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One item: its cases, history and evidence.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var casework: CaseworkOptions
        @Argument(help: "The item's id.") var id: Int64
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await CommandFailure.guarding {
                let (detail, audience) = try await casework.read(global) { [id] connection, store, _ in
                    try store.ledgerItem(id, on: connection)
                }
                guard let detail else { throw CaseworkError(.notFound, "there is no ledger item \(id) you may see") }
                print(json ? JSONOutput.render(detail) : Self.text(detail, for: audience))
            }
        }

        static func text(_ detail: LedgerItemDetail, for audience: Audience, now: Date = Date()) -> String {
            let item = detail.item
            let local = { (date: Date) in audience.time(date) }
            let say = audience.say
            func label(_ en: String, _ zh: String) -> String {
                audience.language == .zhCN ? zh + String(repeating: " ", count: max(1, 13 - TextTable.width(zh))) : en.padding(toLength: 13, withPad: " ", startingAt: 0)
            }
            var lines = [
                say("ledger item \(item.id): \(item.title)", "台账事项 \(item.id)：\(item.title)"),
                label("state", "状态") + item.state.label(audience.language) + (item.isOverdue(at: now) ? say(" (overdue)", "（超期）") : ""),
                label("lead", "主办") + item.lead
                    + (item.assisting.isEmpty ? "" : say("    assisting ", "    协办 ") + item.assisting.joined(separator: ", ")),
                label("due", "期限") + "\(item.due)" + say(" (by \(local(item.deadline)))", "（\(local(item.deadline)) 前）"),
            ]
            if let place = item.place { lines.append(label("place", "地点") + place) }
            if let area = item.area { lines.append(label("area", "区域") + area) }
            if let source = item.source { lines.append(label("source", "来源") + source + (item.sourceRef.map { " #\($0)" } ?? "")) }
            if let hotspot = item.hotspot { lines.append(label("hot spot", "热点") + "\(hotspot)") }
            lines.append(label("created", "创建") + say("\(local(item.createdAt)) by \(item.createdBy)", "\(local(item.createdAt))，\(item.createdBy)"))
            if let closed = item.closedAt {
                lines.append(label("closed out", "销号") + local(closed) + (item.closedOnTime == false ? say(" (late)", "（逾期）") : ""))
            }
            if let escalated = item.escalatedAt { lines.append(label("escalated", "督办") + local(escalated)) }
            if !detail.cases.isEmpty { lines.append(label("cases", "案件") + detail.cases.map(String.init).joined(separator: ", ")) }
            lines.append("")
            var events = TextTable(header: audience.language == .zhCN ? ["时间", "操作人", "事项", "说明"] : ["at", "who", "what", "note"])
            for event in detail.events {
                events.add([local(event.at), event.actor + (event.department.map { " (\($0))" } ?? ""),
                            LedgerEventKind(rawValue: event.kind)?.label(audience.language) ?? event.kind, event.note ?? ""])
            }
            lines.append(events.render())
            if !detail.evidence.isEmpty {
                lines.append("")
                var files = TextTable(header: audience.language == .zhCN
                    ? ["证据", "文件名", "类型", "字节", "sha256"] : ["evidence", "name", "type", "bytes", "sha256"])
                for file in detail.evidence {
                    files.add([String(file.id), file.name, file.mediaType, String(file.size), file.sha256])
                }
                lines.append(files.render())
            }
            return lines.joined(separator: "\n")
        }
    }

    struct Evidence: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write an evidence file's bytes to a file (the lead unit and the office may).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var casework: CaseworkOptions
        @Argument(help: "The evidence file's id (ledger show lists them).") var id: Int64
        @Option(name: .shortAndLong, help: "Where to write it (default: its own name, in this directory).") var output: String?

        func run() async throws {
            try await CommandFailure.guarding {
                let file = try await casework.run(global) { [id] connection, store in try store.evidence(id, on: connection) }
                let path = output ?? file.name
                guard FileManager.default.createFile(atPath: path, contents: file.bytes) else {
                    throw CaseworkError(.badInput, "cannot write \(path)")
                }
                print(Spoken.say("wrote \(path) (\(file.mediaType), \(file.bytes.count) bytes)",
                                          "已写入 \(path)（\(file.mediaType)，\(file.bytes.count) 字节）"))
            }
        }
    }
}
