/// The counters and histograms of one unit over some days: what a row of `figure_rollup`
/// holds, and what the sum of rows for a period holds.
public struct FigureCounts: Sendable, Equatable {
    public private(set) var values: [FigureCounter: Int64] = [:]
    public var respond = FigureHistogram()
    public var resolve = FigureHistogram()

    public init() {}

    public subscript(counter: FigureCounter) -> Int64 {
        get { values[counter] ?? 0 }
        set { values[counter] = newValue == 0 ? nil : newValue }
    }

    public var isZero: Bool { values.isEmpty && respond.isEmpty && resolve.isEmpty }

    /// Adds (or with `sign` -1 subtracts) another unit's counts.
    public mutating func add(_ other: FigureCounts, sign: Int64 = 1) {
        for (counter, value) in other.values { self[counter] += sign * value }
        respond.add(other.respond, sign: sign)
        resolve.add(other.resolve, sign: sign)
    }

    public static func + (lhs: FigureCounts, rhs: FigureCounts) -> FigureCounts {
        var sum = lhs
        sum.add(rhs)
        return sum
    }
}
