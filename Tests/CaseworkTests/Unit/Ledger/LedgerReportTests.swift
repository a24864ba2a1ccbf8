import Casework
import Foundation
import Testing

@Suite("Ledger report: what each count and rate takes")
struct LedgerReportTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!

    /// A local time in Shanghai, `2026-12-03 10:00`.
    static func at(_ text: String) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.date(from: text)!
    }

    /// The end of a local day (the deadline of an item due that day).
    static func end(of day: String) -> Date { at(day + " 00:00").addingTimeInterval(86_400) }

    static func fact(_ lead: String = "water", created: String, due: String, closed: String? = nil) -> LedgerReport.Fact {
        LedgerReport.Fact(lead: lead, createdAt: at(created), deadline: end(of: due), closedAt: closed.map(at))
    }

    static func counts(_ row: LedgerReport.Row) -> [Int] {
        [row.openAtStart, row.new, row.due, row.dueMet, row.closedOnTime, row.closedLate, row.overdueOpen, row.carriedOver]
    }

    @Test func eachItemFallsInTheCountsItsTimesSay() throws {
        let period = try FigurePeriod(parsing: "2026-12-1")
        let later = Self.at("2027-01-05 00:00")
        let cases: [(LedgerReport.Fact, [Int])] = [
            // open at start, due and closed on time in the 旬
            (Self.fact(created: "2026-11-20 09:00", due: "2026-12-04", closed: "2026-12-03 10:00"), [1, 0, 1, 1, 1, 0, 0, 0]),
            // new, due in the 旬, still open at its end: overdue and carried over
            (Self.fact(created: "2026-12-02 09:00", due: "2026-12-07"), [0, 1, 1, 0, 0, 0, 1, 1]),
            // new, not due yet: carried over, not overdue
            (Self.fact(created: "2026-12-08 09:00", due: "2026-12-31"), [0, 1, 0, 0, 0, 0, 0, 1]),
            // overdue from November, closed late in the 旬 (due before it started: not due in it)
            (Self.fact(created: "2026-11-10 09:00", due: "2026-11-30", closed: "2026-12-02 09:00"), [1, 0, 0, 0, 0, 1, 0, 0]),
            // closed out at the last minute of its due day: on time
            (Self.fact(created: "2026-12-01 00:00", due: "2026-12-10", closed: "2026-12-10 23:59"), [0, 1, 1, 1, 1, 0, 0, 0]),
            // closed before the 旬: not counted at all (no row)
            (Self.fact(created: "2026-11-01 09:00", due: "2026-11-10", closed: "2026-11-09 09:00"), []),
            // created after the 旬: not counted
            (Self.fact(created: "2026-12-11 00:00", due: "2026-12-15"), []),
            // due in the 旬 but closed after it: due, not met; overdue at the end
            (Self.fact(created: "2026-11-25 09:00", due: "2026-12-09", closed: "2026-12-12 09:00"), [1, 0, 1, 0, 0, 0, 1, 1]),
        ]
        for (fact, expected) in cases {
            let report = LedgerReport(period: period, facts: [fact], timeZone: Self.zone, now: later)
            #expect(report.rows.map(Self.counts) == (expected.isEmpty ? [] : [expected]), "\(fact)")
        }
        // Together: the total is the sum, and carried over = open at start + new − closed out.
        let all = LedgerReport(period: period, facts: cases.map(\.0), timeZone: Self.zone, now: later)
        let total = all.total
        #expect(Self.counts(total) == [3, 3, 4, 2, 2, 1, 2, 3])
        #expect(total.carriedOver == total.openAtStart + total.new - total.closedOut)
        #expect(total.closeOutRate == FigureRate(3, of: 6))
        #expect(total.onTimeRate == FigureRate(2, of: 4))
    }

    @Test func aRunningPeriodCountsUpToNow() throws {
        let period = try FigurePeriod(parsing: "2026-12")
        let now = Self.at("2026-12-05 12:00")
        let facts = [
            Self.fact(created: "2026-12-01 09:00", due: "2026-12-03"),             // due, overdue now
            Self.fact(created: "2026-12-01 09:00", due: "2026-12-20"),             // not due yet: not in the denominator
        ]
        let report = LedgerReport(period: period, facts: facts, timeZone: Self.zone, now: now)
        #expect(report.end == now)
        #expect(Self.counts(report.total) == [0, 2, 1, 0, 0, 0, 1, 2])
        #expect(report.total.onTimeRate == FigureRate(0, of: 1))
        #expect(report.total.closeOutRate == FigureRate(0, of: 2))
    }

    @Test func rowsPerLeadUnitWithNamesAndNoFigureWhenNothingIsDue() throws {
        let period = try FigurePeriod(parsing: "2026-Q4")
        let facts = [Self.fact("water", created: "2026-10-08 09:00", due: "2027-03-01"),
                     Self.fact("power", created: "2026-10-09 09:00", due: "2027-03-01", closed: "2026-11-01 09:00")]
        let report = LedgerReport(period: period, facts: facts, timeZone: Self.zone, now: Self.at("2027-02-01 00:00"),
                                  names: ["water": "市水务局"])
        #expect(report.rows.map(\.unit) == ["power", "water"])
        #expect(report.rows.map(\.name) == [nil, "市水务局"])
        #expect(report.rows[1].onTimeRate.value == nil, "nothing due: no figure, not 0% or 100%")
        #expect(report.rows[0].closeOutRate.value == 1)
        // JSON carries the rates with numerators and denominators.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(report.rows[0]), as: UTF8.self)
        #expect(json.contains("\"close_out_rate\":{\"denominator\":1,\"numerator\":1}"), "\(json)")
    }

    @Test func theRankingWeighsTheLedgerOnlyWhenAsked() {
        var settings = FigureSettings()
        let counts = FigureCounts()
        var row = FigureRow(unit: .lead("water"), counts: counts, settings: settings)
        row.ledger = FigureRate(1, of: 2)
        #expect(row.score(settings) == nil, "no case figures and the ledger weighs nothing")
        settings.ledgerWeight = 20
        #expect(row.score(settings) == 50)
    }
}
