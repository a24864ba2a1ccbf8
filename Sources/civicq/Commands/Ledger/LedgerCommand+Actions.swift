import ArgumentParser
import Casework
import Foundation
import Postgres

extension LedgerCommand {
    struct New: CaseworkAction {
        static let configuration = CommandConfiguration(
            commandName: "new",
            abstract: "Create an item (the hotline office): from selected cases, or from a hot spot with its cases.",
            discussion: """
                The deadline is a working day of the calendar, typed as a date in the reporting \
                time zone (--due 2026-12-15), or counted in working days from today (--working-days 10).
                """)
        @Option(help: "What is to be solved, on one line.") var title: String
        @Option(help: "The lead unit (主办): a department code.") var lead: String
        @Option(help: "Assisting units (协办), comma-separated department codes.") var assisting: String?
        @Option(help: "The deadline's day, YYYY-MM-DD (a working day).") var due: String?
        @Option(help: "The deadline in working days from today.") var workingDays: Int?
        @Option(help: "Where the problem is.") var place: String?
        @Option(help: "The area code it is in.") var area: String?
        @Option(help: "Where it comes from (an inspection, 每月一题).") var source: String?
        @Option(name: .customLong("case"), help: "A case to link (repeatable).") var cases: [Int64] = []
        @Option(help: "Make it from this hot spot, linking its cases.") var hotspot: Int64?

        func validate() throws {
            guard (due == nil) != (workingDays == nil) else { throw ValidationError("give --due or --working-days, one of them") }
            if let workingDays, !(1...3_650).contains(workingDays) { throw ValidationError("--working-days is 1 to 3650") }
        }

        func perform(on connection: PostgresConnection, store: CaseworkStore, for audience: Audience) throws -> String {
            let day: String
            if let workingDays {
                let calendar = try store.loadCalendar(on: connection)
                day = calendar.day(of: calendar.end(ofWorkingDays: workingDays, after: Date()).addingTimeInterval(-1)).description
            } else {
                day = LedgerList.normalizedDay(due ?? "")
            }
            let item = NewLedgerItem(title: title, place: place, area: area, lead: lead,
                                     assisting: LedgerList.units(assisting ?? ""), due: day, source: source)
            let id = try store.newLedgerItem(item, cases: cases, hotspot: hotspot, on: connection)
            let count = try store.ledgerItem(id, on: connection)?.cases.count ?? 0
            return audience.say("ledger item \(id) created for \(lead), due \(day)", "台账事项 \(id) 已创建，主办 \(lead)，期限 \(day)")
                + (count > 0 ? audience.say("; \(count) cases linked", "；已关联 \(count) 个案件") : "")
        }
    }

    struct Link: CaseworkAction {
        static let configuration = CommandConfiguration(commandName: "link", abstract: "Link cases to an item (the hotline office).")
        @Argument(help: "The item's id.") var id: Int64
        @Option(name: .customLong("case"), help: "A case to link (repeatable).") var cases: [Int64] = []

        func validate() throws {
            guard !cases.isEmpty else { throw ValidationError("name at least one --case") }
        }

        func perform(on connection: PostgresConnection, store: CaseworkStore, for audience: Audience) throws -> String {
            let added = try store.linkLedgerCases(id, cases: cases, on: connection)
            return audience.say("\(added) cases linked to ledger item \(id)", "已把 \(added) 个案件关联到台账事项 \(id)")
                + (added < cases.count ? audience.say(" (\(cases.count - added) were already)", "（\(cases.count - added) 个原已关联）") : "")
        }
    }

    struct Progress: CaseworkAction {
        static let configuration = CommandConfiguration(
            commandName: "progress", abstract: "Report progress on an item (its lead or an assisting unit).")
        @Argument(help: "The item's id.") var id: Int64
        @Option(help: "What was done.") var note: String

        func perform(on connection: PostgresConnection, store: CaseworkStore, for audience: Audience) throws -> String {
            try store.ledgerProgress(id, note: note, on: connection)
            return audience.say("progress noted on ledger item \(id)", "已记录台账事项 \(id) 的进展")
        }
    }

    struct CloseOut: CaseworkAction {
        static let configuration = CommandConfiguration(
            commandName: "close-out",
            abstract: "Ask for close-out (销号) with evidence (the lead unit).",
            discussion: """
                Evidence is at least one photo (.jpg, .png, .gif, .webp) or PDF, each at most \
                ledger.evidence_max_bytes (10 MiB by default); its type is read from its bytes \
                and must match its name. Stored in the database with its SHA-256.
                """)
        @Argument(help: "The item's id.") var id: Int64
        @Option(help: "What was done.") var note: String
        @Option(name: .customLong("file"), help: "An evidence file (repeatable).") var files: [String] = []

        func perform(on connection: PostgresConnection, store: CaseworkStore, for audience: Audience) throws -> String {
            // A file over the limit is refused before it is read (the database checks again).
            let limit = Int(try store.number(setting: "ledger.evidence_max_bytes", default: 10_485_760, on: connection))
            for path in files {
                if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > limit {
                    throw CaseworkError(.badInput, "\(URL(fileURLWithPath: path).lastPathComponent) is \(size) bytes: the limit is \(limit)")
                }
            }
            let evidence = try files.map { path in
                guard let bytes = FileManager.default.contents(atPath: path) else { throw CaseworkError(.notFound, "cannot read \(path)") }
                return CaseworkStore.EvidenceFile(name: URL(fileURLWithPath: path).lastPathComponent, bytes: bytes)
            }
            try store.requestCloseOut(id, note: note, files: evidence, on: connection)
            return audience.say("close-out of ledger item \(id) asked, with \(evidence.count) evidence files",
                                "已为台账事项 \(id) 申请销号，附 \(evidence.count) 个证据文件")
        }
    }

    struct Approve: CaseworkAction {
        static let configuration = CommandConfiguration(
            commandName: "approve", abstract: "Approve a close-out request: the item is closed out (the hotline office).")
        @Argument(help: "The item's id.") var id: Int64
        @Option(help: "A note for the record.") var note: String?

        func perform(on connection: PostgresConnection, store: CaseworkStore, for audience: Audience) throws -> String {
            try store.decideCloseOut(id, approve: true, note: note, on: connection)
            return audience.say("ledger item \(id) closed out", "台账事项 \(id) 已销号")
        }
    }

    struct Refuse: CaseworkAction {
        static let configuration = CommandConfiguration(
            commandName: "refuse", abstract: "Refuse a close-out request with the reason: back to the lead unit (the hotline office).")
        @Argument(help: "The item's id.") var id: Int64
        @Option(help: "Why, for the lead unit.") var reason: String

        func perform(on connection: PostgresConnection, store: CaseworkStore, for audience: Audience) throws -> String {
            try store.decideCloseOut(id, approve: false, note: reason, on: connection)
            return audience.say("close-out of ledger item \(id) refused: it is open again", "台账事项 \(id) 的销号申请被驳回：事项重新打开")
        }
    }
}
