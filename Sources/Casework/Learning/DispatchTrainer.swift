import Foundation

/// Trains a ``DispatchModel`` from examples: counts each unit's cases and each unit's feature
/// weight per bucket, then takes logs with additive smoothing (`alpha` per bucket).
public struct DispatchTrainer: Sendable {
    public var features: DispatchFeatures
    /// Additive smoothing per bucket and unit (default 0.1).
    public var alpha: Float
    /// Fewer cases than this is too little history to learn from.
    public static let minimumCases = 1_000
    /// A unit needs this many cases to be learnt; fewer, and it is left out of the model.
    public static let minimumCasesPerUnit = 5

    public init(features: DispatchFeatures = DispatchFeatures(), alpha: Float = 0.1) {
        self.features = features
        self.alpha = alpha
    }

    /// The model of `examples`, read once in their order, or ``CaseworkError/Code/badInput``
    /// when they are too few (fewer than ``minimumCases``, or fewer than two units with
    /// ``minimumCasesPerUnit`` each). Deterministic: units are ordered by code, and sums run
    /// in the examples' order.
    public func train<S: Sequence>(_ examples: S) throws -> DispatchModel where S.Element == DispatchExample {
        var counts = Counts(features: features)
        for example in examples { counts.add(example) }
        return try model(of: counts)
    }

    /// What training has counted so far, one example at a time (``add(_:)``), so that a
    /// history read in pages need not be held in memory: per unit as first met, its cases and
    /// its feature weight per bucket.
    public struct Counts: Sendable {
        let features: DispatchFeatures
        var index: [String: Int] = [:]
        var rows: [[Float]] = []
        var totals: [Double] = []
        var cases: [Int] = []

        public init(features: DispatchFeatures) { self.features = features }

        /// Examples counted.
        public var count: Int { cases.reduce(0, +) }

        public mutating func add(_ example: DispatchExample) {
            let unit: Int
            if let known = index[example.unit] {
                unit = known
            } else {
                unit = rows.count
                index[example.unit] = unit
                rows.append([Float](repeating: 0, count: features.buckets))
                totals.append(0)
                cases.append(0)
            }
            cases[unit] += 1
            var sum: Float = 0
            let features = self.features
            rows[unit].withUnsafeMutableBufferPointer { row in
                features.visit(example.input) { bucket, weight, _ in
                    row[bucket] += weight
                    sum += weight
                }
            }
            totals[unit] += Double(sum)
        }
    }

    /// The model of what `counts` holds (see ``train(_:)``).
    public func model(of counts: Counts) throws -> DispatchModel {
        let seen = counts.count
        guard seen >= Self.minimumCases else {
            throw CaseworkError(.badInput, "\(seen) cases with a final unit is too few to learn from: at least \(Self.minimumCases) are needed")
        }
        let units = counts.index.filter { counts.cases[$0.value] >= Self.minimumCasesPerUnit }.keys.sorted()
        guard units.count >= 2 else {
            throw CaseworkError(.badInput, "fewer than 2 units have \(Self.minimumCasesPerUnit) cases each: nothing to choose between")
        }
        let kept = units.map { counts.index[$0]! }
        let learnt = kept.reduce(0) { $0 + counts.cases[$1] }
        let logPrior = kept.map { Float(log(Double(counts.cases[$0]) / Double(learnt))) }
        let width = units.count, buckets = features.buckets
        var weights = [Float](repeating: 0, count: buckets * width)
        let alpha = self.alpha
        for (column, unit) in kept.enumerated() {
            let denominator = Float(log(counts.totals[unit] + Double(alpha) * Double(buckets)))
            counts.rows[unit].withUnsafeBufferPointer { row in
                for bucket in 0..<buckets { weights[bucket * width + column] = logf(row[bucket] + alpha) - denominator }
            }
        }
        return DispatchModel(units: units, features: features, logPrior: logPrior, weights: weights)
    }
}
