/// Counts of durations in fixed buckets: time from intake to response or to resolution.
/// Percentiles from buckets are interpolated within the bucket they fall in, as Prometheus's
/// `histogram_quantile` does; the rollups and `stats verify` use the same buckets, so they
/// agree exactly.
public struct FigureHistogram: Sendable, Equatable, Codable {
    /// Upper bounds of the buckets, in seconds; a last bucket holds everything longer.
    public static let bounds: [Double] = [
        900, 1_800, 3_600, 7_200, 10_800, 14_400, 21_600, 28_800, 43_200, 57_600,
        86_400, 129_600, 172_800, 259_200, 345_600, 432_000, 604_800, 864_000,
        1_209_600, 1_814_400, 2_592_000, 3_888_000, 5_184_000,
    ]

    /// One count per bucket: `bounds.count + 1` of them, or none when empty.
    public private(set) var counts: [Int64]

    public init(counts: [Int64] = []) { self.counts = counts }

    /// Equal when every bucket holds the same count (an empty histogram equals an all-zero one).
    public static func == (lhs: FigureHistogram, rhs: FigureHistogram) -> Bool {
        lhs.trimmed == rhs.trimmed
    }

    private var trimmed: ArraySlice<Int64> {
        counts[..<((counts.lastIndex { $0 != 0 } ?? -1) + 1)]
    }

    /// The bucket a duration falls in.
    public static func bucket(seconds: Double) -> Int {
        bounds.firstIndex { seconds <= $0 } ?? bounds.count
    }

    public var isEmpty: Bool { counts.allSatisfy { $0 == 0 } }

    public var total: Int64 { counts.reduce(0, +) }

    public mutating func add(seconds: Double, count: Int64 = 1) {
        if counts.isEmpty { counts = Array(repeating: 0, count: Self.bounds.count + 1) }
        counts[Self.bucket(seconds: seconds)] += count
    }

    /// Adds (or with `sign` -1 subtracts) another histogram, bucket by bucket.
    public mutating func add(_ other: FigureHistogram, sign: Int64 = 1) {
        guard !other.counts.isEmpty else { return }
        if counts.count < other.counts.count { counts += Array(repeating: 0, count: other.counts.count - counts.count) }
        for (index, value) in other.counts.enumerated() { counts[index] += sign * value }
    }

    /// The duration (seconds) below which a fraction `q` of the counted ones fall, or nil when
    /// nothing is counted. Within a bucket, durations are taken as evenly spread; in the last
    /// (open) bucket, the result is its lower bound.
    public func quantile(_ q: Double) -> Double? {
        let total = self.total
        guard total > 0 else { return nil }
        let rank = q * Double(total)
        var below: Int64 = 0
        for (index, count) in counts.enumerated() where count > 0 {
            if Double(below + count) >= rank {
                let lower = index == 0 ? 0 : Self.bounds[index - 1]
                guard index < Self.bounds.count else { return lower }
                let upper = Self.bounds[index]
                return lower + (upper - lower) * max(0, rank - Double(below)) / Double(count)
            }
            below += count
        }
        return Self.bounds.last
    }
}
