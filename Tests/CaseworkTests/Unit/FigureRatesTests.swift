import Casework
import Testing

@Suite("Figures: rates, periods, percentiles and ranking")
struct FigureRatesTests {
    static func counts(_ values: [FigureCounter: Int64]) -> FigureCounts {
        var counts = FigureCounts()
        for (counter, value) in values { counts[counter] = value }
        return counts
    }

    @Test("each rate's numerator and denominator")
    func rates() {
        let counts = Self.counts([
            .dispatched: 20, .returned: 2,
            .responseOnTime: 8, .responseLate: 1, .responseOverdue: 1,
            .resolvedOnTime: 6, .resolvedLate: 2, .resolutionOverdue: 2,
            .callbacksAnswered: 8, .solved: 6, .satisfied: 4, .basic: 2, .dissatisfied: 2, .unanswered: 3, .reopened: 2,
        ])
        let rates = FigureRates(counts, basicWeight: 0.5)
        #expect(rates.response == FigureRate(8, of: 10))
        #expect(rates.closure == FigureRate(8, of: 10))
        // Two overdue open cases count against on-time closure.
        #expect(rates.onTime == FigureRate(6, of: 10))
        #expect(rates.resolution == FigureRate(6, of: 8))
        #expect(rates.satisfaction == FigureRate(5, of: 8))  // 4 + 0.5 × 2
        #expect(rates.returns == FigureRate(2, of: 20))
        #expect(rates.reopen == FigureRate(2, of: 8))
        #expect(FigureRates(counts, basicWeight: 1).satisfaction.value == 0.75)
        #expect(rates.onTime.percent == "60.0%")
        #expect(FigureRates(FigureCounts(), basicWeight: 1).response.value == nil)
        #expect(FigureRates(FigureCounts(), basicWeight: 1).response.percent == "-")
    }

    @Test("periods: months, 旬 and quarters, and what is refused")
    func periods() throws {
        #expect(try FigurePeriod(parsing: "2026-11").first == CalendarDay("2026-11-01"))
        #expect(try FigurePeriod(parsing: "2026-11").last == CalendarDay("2026-11-30"))
        #expect(try FigurePeriod(parsing: "2026-11-2").first == CalendarDay("2026-11-11"))
        #expect(try FigurePeriod(parsing: "2026-11-2").last == CalendarDay("2026-11-20"))
        #expect(try FigurePeriod(parsing: "2026-12-3").last == CalendarDay("2026-12-31"))
        #expect(try FigurePeriod(parsing: "2026-02-3").days == 8)
        #expect(try FigurePeriod(parsing: "2024-02-3").days == 9)
        #expect(try FigurePeriod(parsing: "2026-Q4").first == CalendarDay("2026-10-01"))
        #expect(try FigurePeriod(parsing: "2026-Q4").last == CalendarDay("2026-12-31"))
        #expect(try FigurePeriod(parsing: "2026-11-2").description == "2026-11-2")
        #expect(try FigurePeriod(parsing: "2026-Q1").description == "2026-Q1")
        for bad in ["2026", "2026-13", "2026-11-4", "2026-11-0", "2026-Q5", "26-11", "2026-1", "2026-11-22", "x"] {
            #expect(throws: FigurePeriodError.self) { try FigurePeriod(parsing: bad) }
        }
        #expect(throws: FigurePeriodError.self) { try FigurePeriod(first: CalendarDay("2026-11-02")!, last: CalendarDay("2026-11-01")!) }
        #expect(FigurePeriod.month(of: CalendarDay("2026-11-22")!).description == "2026-11")
    }

    @Test("percentiles interpolate within the bucket; the open bucket gives its lower bound")
    func percentiles() {
        var histogram = FigureHistogram()
        for _ in 0..<50 { histogram.add(seconds: 1_000) }     // (900, 1800]
        for _ in 0..<50 { histogram.add(seconds: 5_000) }     // (3600, 7200]
        #expect(histogram.quantile(0.5) == 1_800)
        #expect(histogram.quantile(0.9) == 3_600 + 3_600 * 0.8)
        var long = FigureHistogram()
        long.add(seconds: 100 * 86_400)
        #expect(long.quantile(0.5) == FigureHistogram.bounds.last)
        #expect(FigureHistogram().quantile(0.5) == nil)
        #expect(FigureHistogram(counts: [0, 0]) == FigureHistogram())
        // figure_apply (migration 008) adds 24 buckets by subscript.
        #expect(FigureHistogram.bounds.count + 1 == 24)
    }

    @Test("ranking: by composite score, leading and lagging named, small samples apart")
    func ranking() {
        var settings = FigureSettings()
        settings.leading = 1
        settings.lagging = 1
        func row(_ code: String, response: Int64, solved: Int64, satisfied: Int64, of total: Int64) -> FigureRow {
            FigureRow(unit: .lead(code), level: "street", counts: Self.counts([
                .responseOnTime: response, .responseLate: total - response,
                .callbacksAnswered: total, .solved: solved, .satisfied: satisfied, .dissatisfied: total - satisfied,
            ]), settings: settings)
        }
        let rows = [
            row("a", response: 20, solved: 20, satisfied: 20, of: 20),
            row("b", response: 10, solved: 10, satisfied: 10, of: 20),
            row("c", response: 15, solved: 15, satisfied: 15, of: 20),
            row("tiny", response: 0, solved: 0, satisfied: 0, of: 3),
        ]
        #expect(rows[1].score(settings) == 50)
        let ranking = FigureRanking(level: "street", rows: rows, settings: settings)
        #expect(ranking.entries.map(\.row.unit.key) == ["a", "c", "b", "tiny"])
        #expect(ranking.entries.map(\.standing) == [.leading, .middle, .lagging, .smallSample])
        #expect(ranking.entries.map(\.rank) == [1, 2, 3, nil])
        // One or two ranked: nobody is named; the groups are at most half each.
        #expect(FigureRanking(level: "street", rows: [rows[0]], settings: settings).entries.map(\.standing) == [.middle])
        #expect(FigureRanking(level: "street", rows: [rows[0], rows[1]], settings: settings).entries.map(\.standing) == [.leading, .lagging])
        settings.leading = 3
        settings.lagging = 3
        #expect(FigureRanking(level: "street", rows: Array(rows.prefix(3)), settings: settings).entries.map(\.standing)
                == [.leading, .middle, .lagging])
        // Weights: response only.
        settings.resolutionWeight = 0
        settings.satisfactionWeight = 0
        #expect(row("x", response: 5, solved: 0, satisfied: 0, of: 10).score(settings) == 50)
    }
}
