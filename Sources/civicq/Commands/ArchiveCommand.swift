import ArgumentParser
import Casework
import Foundation
import Postgres

/// `civicq archive list|detach`: the event history's monthly partitions (migration 026).
struct ArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "The event history by month: list the months, archive an old one.",
        discussion: """
            case_events is partitioned by calendar month (UTC). The worker makes this month's \
            partition and the next history.months_ahead (3) ahead; an event of a month with no \
            partition goes to the default partition, and moves into its month when the month is \
            made. An archived month leaves the live table (and every query on it) for \
            case_events_archived, which the log's verification and export still read; from there \
            it can be dumped with pg_dump (docs/operations.md).
            """,
        subcommands: [List.self, Detach.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every month of the history: live, archived or default, events and size.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run() async throws {
            try await CommandFailure.guarding {
                let (months, audience) = try await global.withAudience { connection, store, _ in try store.historyMonths(on: connection) }
                if json { print(JSONOutput.render(months)); return }
                let zh = audience.language == .zhCN
                var table = TextTable(header: zh ? ["月份", "位置", "事件数（约）", "大小"] : ["month", "place", "events (about)", "size"])
                let places = ["live": "在线", "archived": "已归档", "default": "默认分区"]
                for month in months {
                    table.add([month.month ?? audience.say("default", "默认"), zh ? places[month.place.rawValue] ?? month.place.rawValue : month.place.rawValue,
                               String(month.events), Self.size(month.bytes)])
                }
                print(table.render())
            }
        }

        static func size(_ bytes: Int64) -> String {
            bytes >= 10 << 30 ? "\(bytes >> 30) GB" : bytes >= 10 << 20 ? "\(bytes >> 20) MB" : "\(bytes >> 10) kB"
        }
    }

    struct Detach: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Archive one month: it leaves the live history for case_events_archived.",
            discussion: """
                Needs the login that runs civicq migrate (it acts as the schema's owner). Refused \
                for a month within history.keep_months (24) of now, a month with a case that is \
                still open or has events in the kept months, and, when the log is sealed, a month \
                with an event not yet sealed. Takes the table's lock for a moment (waits at most 5 s).
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The month, YYYY-MM.") var month: String

        func run() async throws {
            try await CommandFailure.guarding {
                let events = try await global.withStore { [month] connection, store in try store.archiveHistoryMonth(month, on: connection) }
                print(Spoken.say("month \(month) archived: \(events) events moved to case_events_archived",
                                 "\(month) 月已归档：\(events) 个事件已移入 case_events_archived"))
            }
        }
    }
}
