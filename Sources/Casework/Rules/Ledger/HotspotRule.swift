import Foundation

/// When a count of complaints is a hot spot (热点): one category in one street or district,
/// counted over a day, against that series' own baseline.
///
/// The test: the day's count `x` is a hot spot when `x ≥ minCount` and, under a Poisson law
/// with the baseline rate λ, P(X ≥ x) < `alpha`. λ is the mean of the previous
/// `baselineDays` days, raised to the upper end of its own uncertainty (mean + 1.645 ×
/// √(mean / days), a one-sided 95 % bound) and to at least `minimumRate`: a short or quiet
/// history does not make an ordinary day look extraordinary. It is then scaled by the
/// weekday's factor (``weekdayFactors(_:)``): the whole installation's counts on that weekday
/// over its mean day, so that Mondays are not hot for being Mondays. A count that only reaches the
/// threshold late in the day is found when it does: counts only grow, so a scan over the day
/// so far finds what a scan at midnight would.
public struct HotspotRule: Sendable, Equatable, Codable {
    /// Days of history the baseline averages (setting `hotspots.baseline_days`).
    public var baselineDays: Int
    /// The fewest complaints a hot spot has (`hotspots.min_count`).
    public var minCount: Int
    /// The tail probability below which a count is not chance (`hotspots.alpha`).
    public var alpha: Double
    /// The least baseline rate per day (`hotspots.minimum_rate`).
    public var minimumRate: Double

    public init(baselineDays: Int = 28, minCount: Int = 5, alpha: Double = 0.003, minimumRate: Double = 0.2) {
        self.baselineDays = baselineDays
        self.minCount = minCount
        self.alpha = alpha
        self.minimumRate = minimumRate
    }

    /// What the test says about one day.
    public struct Verdict: Sendable, Equatable, Codable {
        public var count: Int
        /// λ: the baseline rate the count was tested against.
        public var expected: Double
        /// P(X ≥ count) under the baseline.
        public var pValue: Double
        public var isHot: Bool

        enum CodingKeys: String, CodingKey {
            case count, expected
            case pValue = "p_value"
            case isHot = "hot"
        }
    }

    /// The rate the day is tested against, from the previous days' counts (oldest first; the
    /// last `baselineDays` are used, missing days count as none).
    public func expected(from history: [Int]) -> Double {
        let days = max(baselineDays, 1)
        let recent = history.suffix(days)
        let mean = Double(recent.reduce(0, +)) / Double(days)
        return max(minimumRate, mean + 1.645 * (mean / Double(days)).squareRoot())
    }

    /// Tests `count` against the baseline from `history`, scaled by the day's weekday `factor`.
    public func evaluate(count: Int, history: [Int], factor: Double = 1) -> Verdict {
        let lambda = expected(from: history) * factor
        let p = Self.poissonTail(atLeast: count, rate: lambda)
        return Verdict(count: count, expected: (lambda * 1000).rounded() / 1000, pValue: p, isHot: count >= minCount && p < alpha)
    }

    /// Each weekday's factor (1 is Monday … 7 is Sunday): the mean of the counts on that
    /// weekday over the mean of all of them, from the whole installation's daily counts. A
    /// weekday without a count, or counts that are all zero, give 1.
    public static func weekdayFactors(_ totals: [(weekday: Int, count: Int)]) -> [Int: Double] {
        let mean = Double(totals.reduce(0) { $0 + $1.count }) / Double(max(totals.count, 1))
        var result: [Int: Double] = [:]
        for weekday in 1...7 {
            let days = totals.filter { $0.weekday == weekday }
            guard mean > 0, !days.isEmpty else {
                result[weekday] = 1
                continue
            }
            result[weekday] = Double(days.reduce(0) { $0 + $1.count }) / Double(days.count) / mean
        }
        return result
    }

    /// P(X ≥ k) for X ~ Poisson(λ), summed in log space from k up until the terms vanish.
    public static func poissonTail(atLeast k: Int, rate lambda: Double) -> Double {
        guard k > 0 else { return 1 }
        guard lambda > 0 else { return 0 }
        let logLambda = Foundation.log(lambda)
        var term = Double(k) * logLambda - lambda - lgamma(Double(k) + 1)
        var sum = 0.0
        var i = k
        while true {
            let value = Foundation.exp(term)
            sum += value
            i += 1
            term += logLambda - Foundation.log(Double(i))
            if Double(i) > lambda && value < sum * 1e-12 { break }
            if i > k + 100_000 { break }
        }
        return min(1, sum)
    }
}
