import Casework
import Foundation

/// Generated daily complaint counts with injected spikes, for `civicq-bench ledger`.
///
/// Each series (a category in a street) has its own rate λ, drawn log-uniformly from 0.2 to
/// 40 a day, and a weekly rhythm (weekdays × 1.1, weekends × 0.75): the counts are Poisson.
/// After 28 days of history, 6 weeks are evaluated day by day, each day against the 28 days
/// before it and scaled by the weekday rhythm of all series together, as the scan does. A
/// third of the series get one spike on a random evaluated day: Poisson(max(10, f × the
/// day's rate)) complaints more than usual; f = 2 (the day about tripled, at least 10 more)
/// is the measure, f = 1 (about doubled) is reported beside it. A spike
/// found on its own day counts as found within a day; a hot day that is not a spike day is a
/// false alarm.
struct HotspotSeries {
    struct Outcome {
        let series: Int
        let seriesWeeks: Int
        let spikes: Int
        let found: Int
        let falseAlarms: Int
        var detection: Double { spikes == 0 ? 0 : Double(found) / Double(spikes) }
        var falseAlarmsPer100SeriesWeeks: Double { Double(falseAlarms) * 100 / Double(max(seriesWeeks, 1)) }
    }

    static func evaluate(series count: Int, weeks: Int = 6, spikeFactor: Double = 2, rule: HotspotRule, seed: UInt64 = 2026) -> Outcome {
        var random = SeededRandom(seed: seed)
        let history = rule.baselineDays
        let days = history + weeks * 7
        var spikes = 0, found = 0, falseAlarms = 0
        var all: [(counts: [Int], spike: Int?)] = []
        for _ in 0..<count {
            let lambda = Foundation.exp(Double.random(in: Foundation.log(0.2)...Foundation.log(40), using: &random))
            let spikeDay = Double.random(in: 0..<1, using: &random) < 1.0 / 3 ? Int.random(in: history..<days, using: &random) : nil
            var counts: [Int] = []
            for day in 0..<days {
                // Day 0 is a Monday.
                let rate = lambda * (day % 7 >= 5 ? 0.75 : 1.1)
                var n = random.poisson(rate)
                if day == spikeDay { n += random.poisson(max(10, spikeFactor * rate)) }
                counts.append(n)
            }
            all.append((counts, spikeDay))
        }
        // The weekday rhythm, from every series' first 28 days together, as the scan does.
        let factors = HotspotRule.weekdayFactors((0..<history).map { day in (day % 7 + 1, all.reduce(0) { $0 + $1.counts[day] }) })
        for (counts, spikeDay) in all {
            if spikeDay != nil { spikes += 1 }
            for day in history..<days {
                let verdict = rule.evaluate(count: counts[day], history: Array(counts[(day - history)..<day]), factor: factors[day % 7 + 1] ?? 1)
                guard verdict.isHot else { continue }
                if day == spikeDay { found += 1 } else { falseAlarms += 1 }
            }
        }
        return Outcome(series: count, seriesWeeks: count * weeks, spikes: spikes, found: found, falseAlarms: falseAlarms)
    }
}
