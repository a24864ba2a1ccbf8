import ArgumentParser
import Casework
import CivicHTTP
import Foundation

extension LedgerCommand {
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The ledger report per lead unit for a 旬, month or quarter (每旬交账).",
            discussion: """
                Per unit: open at the start, new, due, closed out on time and late, overdue and \
                still open, carried over; close-out rate = closed out / (open at the start + new), \
                on-time rate = due items closed out by their deadline / due items (docs/ledger.md). \
                A period still running is counted up to now. --csv writes UTF-8 with a BOM \
                (Excel reads Chinese text right); --html a printable page with charts.
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var casework: CaseworkOptions
        @Option(help: "2026-12-1 (a 旬), 2026-12 (a month) or 2026-Q4 (a quarter); default the current 旬.") var period: String?
        @Flag(help: "Print JSON.") var json = false
        @Flag(help: "Print CSV (UTF-8 with a BOM).") var csv = false
        @Flag(help: "Print a printable HTML page with charts.") var html = false
        @Option(name: .shortAndLong, help: "Write to this file instead of standard output.") var output: String?

        func validate() throws {
            guard [json, csv, html].filter({ $0 }).count <= 1 else { throw ValidationError("give one of --json, --csv, --html") }
            if let period { _ = try Self.parse(period) }
        }

        static func parse(_ text: String) throws -> FigurePeriod {
            do { return try FigurePeriod(parsing: text) } catch { throw ValidationError("--period: \(error.description)") }
        }

        func run() async throws {
            try await CommandFailure.guarding {
                let typed = period
                let (report, audience) = try await casework.read(global) { connection, store, audience in
                    let chosen = try typed.map(Self.parse) ?? Self.currentDekad(timeZone: audience.timeZone)
                    return try store.ledgerReport(chosen, on: connection)
                }
                let text: String
                if json {
                    text = JSONOutput.render(report)
                } else if csv {
                    text = Self.csv(report)
                } else if html {
                    text = LedgerReportPage.render(report, audience: audience, generatedAt: Date())
                } else {
                    text = Self.table(report, for: audience)
                }
                if let output {
                    guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8)) else {
                        throw CaseworkError(.badInput, "cannot write \(output)")
                    }
                    print(audience.say("wrote \(output)", "已写入 \(output)"))
                } else {
                    print(text, terminator: text.utf8.last == UInt8(ascii: "\n") ? "" : "\n")
                }
            }
        }

        /// The 旬 today falls in, in the reporting time zone.
        static func currentDekad(timeZone: TimeZone, now: Date = Date()) throws -> FigurePeriod {
            let (year, month, day) = WorkCalendar(timeZone: timeZone).day(of: now).components
            return try FigurePeriod(parsing: String(format: "%04d-%02d-%d", year, month, min(3, (day - 1) / 10 + 1)))
        }

        static let columns = ["open at start", "new", "due", "closed on time", "closed late", "overdue open", "carried over"]

        static func counts(_ row: LedgerReport.Row) -> [String] {
            [row.openAtStart, row.new, row.due, row.closedOnTime, row.closedLate, row.overdueOpen, row.carriedOver].map(String.init)
        }

        static func table(_ report: LedgerReport, for audience: Audience) -> String {
            let (start, end) = (audience.time(report.start), audience.time(report.end))
            var lines = [audience.say("ledger report \(report.period): \(start) to \(end)", "台账报告 \(report.period)：\(start) 至 \(end)")]
            guard !report.rows.isEmpty else {
                return (lines + [audience.say("no ledger items in this period", "本时段没有台账事项")]).joined(separator: "\n")
            }
            var table = TextTable(header: audience.language == .zhCN
                ? ["单位", "期初未销号", "新增", "到期", "按期销号", "逾期销号", "超期未销号", "结转", "销号率", "按期率"]
                : ["unit"] + columns + ["close-out rate", "on-time rate"])
            for row in report.rows + [report.total] {
                let rate = { (rate: FigureRate) in "\(rate.percent) (\(Int(rate.numerator))/\(rate.denominator))" }
                table.add([row.name.map { "\(row.unit) \($0)" } ?? row.unit] + counts(row) + [rate(row.closeOutRate), rate(row.onTimeRate)])
            }
            lines.append(table.render())
            return lines.joined(separator: "\n")
        }

        /// RFC 4180 with a UTF-8 byte order mark, CRLF line ends.
        static func csv(_ report: LedgerReport) -> String {
            func field(_ text: String) -> String {
                text.contains(where: { ",\"\r\n".contains($0) }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
            }
            var lines = [(["period", "unit", "name"] + columns.map { $0.replacingOccurrences(of: " ", with: "_") }
                          + ["closed_out", "close_out_base", "close_out_rate", "due_met", "on_time_rate"]).joined(separator: ",")]
            for row in report.rows + [report.total] {
                let rates = [String(row.closedOut), String(row.openAtStart + row.new), row.closeOutRate.value.map { String(format: "%.4f", $0) } ?? "",
                             String(row.dueMet), row.onTimeRate.value.map { String(format: "%.4f", $0) } ?? ""]
                lines.append(([report.period, row.unit, row.name ?? ""] + counts(row) + rates).map(field).joined(separator: ","))
            }
            return "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n"
        }
    }
}
