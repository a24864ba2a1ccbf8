import Casework
import Foundation
import Postgres
import Testing
import TestSupport

/// A campaign's list into the ledger: GB18030 or UTF-8, all or nothing with every bad line
/// named; the report per unit, of the items the reader may see.
@Suite("Ledger import and report", .timeLimit(.minutes(3)))
struct LedgerImportTests {
    static func list(_ due: String, badLines: Bool) -> String {
        var text = """
            序号,事项,地点,区划,牵头单位,配合单位,完成时限
            1,一元路积水点整治,一元路,420102001,water,urban,\(due)
            2,"车站路路灯不亮,夜间不安全",车站路,420102002,power,,\(due.replacingOccurrences(of: "-", with: "/"))
            3,大智路占道经营,大智路,420102003,urban,water、power,\(due)

            """
        if badLines {
            text += """
                4,永清街噪音,永清街,420102004,nobody,,\(due)
                5,,永清街,420102004,urban,,\(due)
                6,路面塌陷,一元路,420102001,water,,2026-02-30
                7,井盖缺失,一元路,420102001,water,,2027-01-02
                8,多一列,一元路,420102001,water,,\(due),extra
                9,地点太长,\(String(repeating: "路", count: 501)),420102001,water,,\(due)

                """
        }
        return text
    }

    @Test func aListIsImportedAllOrNothingAndEveryBadLineIsNamed() async throws {
        try await CaseworkFixture.run(worker: false) { fixture in
            let desk = try await fixture.person(.dispatcher, of: "desk")
            let water = try await fixture.person(.handler, of: "water")
            let due = try await LedgerTests.nextWorkingDay(fixture)

            // GB18030 with bad lines: each one named, nothing stored.
            let gb = try #require(TextEncoding.gb18030(fromUTF8: Array(Self.list(due, badLines: true).utf8)))
            #expect(!TextEncoding.isUTF8(gb))
            #expect(throws: LedgerList.Unreadable.self) { try LedgerList(bytes: gb, encoding: .utf8) }
            let bad = try LedgerList(bytes: gb)
            let outcome = try await fixture.as(desk) { connection, store in
                try connection.transaction { try store.importLedger(bad, source: "2026年第四轮环保督察", store: true, on: $0) }
            }
            #expect(outcome.created.isEmpty)
            #expect(outcome.problems.map(\.line) == [5, 6, 7, 8, 9, 10])
            #expect(outcome.problems.map(\.reason) == [
                "there is no unit nobody", "the item needs a title of 1 to 500 characters on one line",
                "the deadline 2026-02-30 is not a date (YYYY-MM-DD)", "the deadline 2027-01-02 is not a working day",
                "8 fields where the header has 7", "the place has more than 500 characters",
            ])
            #expect(try await fixture.client.withConnection { try $0.query("SELECT count(*)::int FROM ledger_items").scalar(Int.self) } == 0)

            // Only the office imports.
            let good = try LedgerList(bytes: try #require(TextEncoding.gb18030(fromUTF8: Array(Self.list(due, badLines: false).utf8))))
            await #expect {
                try await fixture.as(water) { connection, store in try store.importLedger(good, source: "督察", store: true, on: connection) }
            } throws: { LedgerTests.code($0) == .notPermitted }
            // A check stores nothing; the import stores every line.
            let checked = try await fixture.as(desk) { try $1.importLedger(good, source: "督察", store: false, on: $0) }
            #expect(checked.problems.isEmpty && checked.created.isEmpty)
            let imported = try await fixture.as(desk) { connection, store in
                try connection.transaction { try store.importLedger(good, source: "2026年第四轮环保督察", store: true, on: $0) }
            }
            #expect(imported.problems.isEmpty)
            #expect(imported.created.map(\.line) == [2, 3, 4])
            let items = try await fixture.as(desk) { try $1.ledgerItems(on: $0) }
            #expect(items.map(\.title) == ["一元路积水点整治", "车站路路灯不亮,夜间不安全", "大智路占道经营"])
            #expect(items.map(\.lead) == ["water", "power", "urban"])
            #expect(items.map(\.assisting) == [["urban"], [], ["water", "power"]])
            #expect(items.map(\.sourceRef) == ["1", "2", "3"])
            #expect(items.allSatisfy { $0.source == "2026年第四轮环保督察" && $0.due.description == due })
            // water leads one and assists another.
            #expect(try await fixture.as(water) { try $1.ledgerItems(on: $0) }.map(\.lead).sorted() == ["urban", "water"])
        }
    }

    @Test func theReportCountsEachUnitsItemsAndTheRankingMayWeighIt() async throws {
        try await CaseworkFixture.run(worker: false) { fixture in
            let desk = try await fixture.person(.dispatcher, of: "desk")
            let water = try await fixture.person(.handler, of: "water")
            // Items written as the owner with their history: in December 2026's first 旬
            // (Asia/Shanghai), water: one open from November, due 12-04, closed 12-03 (on
            // time); one new 12-02, due 12-07, still open (overdue at the 旬's end); one new
            // 12-08 due 12-31 (open, not due). power: one from November, due 11-30, closed
            // late on 12-02.
            try await fixture.client.withConnection { connection in
                try connection.execute(
                    """
                    INSERT INTO ledger_items (title, lead_department, due_day, deadline, state, created_at, created_by, closed_at)
                    VALUES ('a', 'water', '2026-12-04', '2026-12-05 00:00+08', 'closed_out', '2026-11-20 10:00+08', 'x', '2026-12-03 10:00+08'),
                           ('b', 'water', '2026-12-07', '2026-12-08 00:00+08', 'open', '2026-12-02 10:00+08', 'x', NULL),
                           ('c', 'water', '2026-12-31', '2027-01-01 00:00+08', 'open', '2026-12-08 10:00+08', 'x', NULL),
                           ('d', 'power', '2026-11-30', '2026-12-01 00:00+08', 'closed_out', '2026-11-10 10:00+08', 'x', '2026-12-02 09:00+08')
                    """)
            }
            let period = try FigurePeriod(parsing: "2026-12-1")
            let now = try #require(ISO8601DateFormatter().date(from: "2027-01-05T00:00:00Z"))
            let report = try await fixture.as(desk) { try $1.ledgerReport(period, now: now, on: $0) }
            #expect(report.rows.map(\.unit) == ["power", "water"])
            let waterRow = try #require(report.rows.last)
            let waterCounts: [Int] = [waterRow.openAtStart, waterRow.new, waterRow.due, waterRow.closedOnTime, waterRow.closedLate,
                                      waterRow.overdueOpen, waterRow.carriedOver]
            #expect(waterCounts == [1, 2, 2, 1, 0, 1, 2])
            #expect(waterRow.closeOutRate == FigureRate(1, of: 3))
            #expect(waterRow.onTimeRate == FigureRate(1, of: 2))
            let powerRow = try #require(report.rows.first)
            let powerCounts: [Int] = [powerRow.openAtStart, powerRow.closedLate, powerRow.due, powerRow.carriedOver]
            #expect(powerCounts == [1, 1, 0, 0])
            #expect(report.total.closedOut == 2 && report.total.carriedOver == 2)
            // A unit's report has its own items only.
            #expect(try await fixture.as(water) { try $1.ledgerReport(period, now: now, on: $0) }.rows.map(\.unit) == ["water"])

            // The ranking's weight for it is a setting, 0 (left out) until the office sets it.
            #expect(try await fixture.client.withConnection { try fixture.store.figureSettings(on: $0) }.ledgerWeight == 0)
            try await fixture.setting("figures.weight_ledger", "20")
            #expect(try await fixture.client.withConnection { try fixture.store.figureSettings(on: $0) }.ledgerWeight == 20)
        }
    }
}
