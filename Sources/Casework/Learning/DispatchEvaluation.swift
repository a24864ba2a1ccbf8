/// How a dispatch model does on a time-split holdout: trained on the earlier cases, asked about
/// the latest ones, as it would be used. Top-1 and top-3 accuracy, each unit's precision and
/// recall, the pairs most often confused, how often a first choice above a probability was
/// right, and the rules on the same cases: of those the rules sent to the desk or to a unit that
/// was not the final one, how many the model would have placed right.
public struct DispatchEvaluation: Sendable, Codable, Equatable {
    public var trained: Int
    public var holdout: Int
    public var top1: Double
    public var top3: Double
    public var units: [UnitFigures]
    /// The most frequent (actual, suggested) pairs among the model's misses, most first.
    public var confused: [Confusion]
    /// For first choices with a probability of at least `threshold`: how many, and the share right.
    public var confidence: [Confidence]
    /// Holdout cases whose first routing by the rules is known (cases imported already routed
    /// have none); of those, the ones the rules sent to the desk or to a unit other than the
    /// final one, and of these, how many the model's first choice placed right (nil when none
    /// is known).
    public var rulesKnown: Int = 0
    public var rulesMissed: Int?
    public var modelRightWhereRulesMissed: Int?

    public struct UnitFigures: Sendable, Codable, Equatable {
        public var unit: String
        /// Holdout cases that ended with the unit.
        public var support: Int
        public var precision: Double?
        public var recall: Double?
    }

    public struct Confusion: Sendable, Codable, Equatable {
        public var actual: String
        public var suggested: String
        public var count: Int
    }

    public struct Confidence: Sendable, Codable, Equatable {
        public var threshold: Double
        public var cases: Int
        public var right: Double?
    }

    /// Cases an evaluation needs with the default holdout: ``DispatchTrainer/minimumCases`` to
    /// learn from, and a fifth more to test on.
    public static let minimumCases = DispatchTrainer.minimumCases * 5 / 4

    /// Of `total` cases in received order, how many come before the holdout (the latest
    /// `fraction`).
    public static func trainingCount(of total: Int, holdout fraction: Double = 0.2) -> Int {
        total - Int((Double(total) * fraction).rounded())
    }

    /// The latest `fraction` of `examples` by received time (ties by their order) as the
    /// holdout, the rest for training.
    public static func split(_ examples: [DispatchExample], holdout fraction: Double = 0.2) -> (train: [DispatchExample], holdout: [DispatchExample]) {
        let ordered = examples.enumerated().sorted { ($0.element.received, $0.offset) < ($1.element.received, $1.offset) }.map(\.element)
        let cut = trainingCount(of: ordered.count, holdout: fraction)
        return (Array(ordered[..<cut]), Array(ordered[cut...]))
    }

    /// The figures of `model` on `holdout`.
    public static func evaluate(_ model: DispatchModel, on holdout: [DispatchExample], trained: Int) -> DispatchEvaluation {
        var right1 = 0, right3 = 0
        var actual: [String: Int] = [:], suggested: [String: Int] = [:], hits: [String: Int] = [:]
        var pairs: [String: [String: Int]] = [:]
        let thresholds = [0.5, 0.8, 0.9, 0.95, 0.99]
        var above = [Int](repeating: 0, count: thresholds.count), aboveRight = above
        var rulesMissed = 0, rescued = 0, rulesKnown = 0
        for example in holdout {
            let top = model.suggest(example.input, count: 3)
            guard let first = top.first else { continue }
            actual[example.unit, default: 0] += 1
            suggested[first.unit, default: 0] += 1
            let right = first.unit == example.unit
            if right { right1 += 1; hits[example.unit, default: 0] += 1 } else { pairs[example.unit, default: [:]][first.unit, default: 0] += 1 }
            if top.contains(where: { $0.unit == example.unit }) { right3 += 1 }
            for (index, threshold) in thresholds.enumerated() where first.probability >= threshold {
                above[index] += 1
                if right { aboveRight[index] += 1 }
            }
            switch example.rules {
            case .unknown: break
            case .desk, .unit:
                rulesKnown += 1
                if example.rules != .unit(example.unit) {
                    rulesMissed += 1
                    if right { rescued += 1 }
                }
            }
        }
        let n = Double(max(holdout.count, 1))
        let units = Set(actual.keys).union(suggested.keys).sorted().map { unit in
            UnitFigures(
                unit: unit, support: actual[unit] ?? 0,
                precision: suggested[unit].map { Double(hits[unit] ?? 0) / Double($0) },
                recall: actual[unit].map { Double(hits[unit] ?? 0) / Double($0) })
        }
        let confused = pairs.flatMap { pair in pair.value.map { Confusion(actual: pair.key, suggested: $0.key, count: $0.value) } }
            .sorted { ($1.count, $0.actual, $0.suggested) < ($0.count, $1.actual, $1.suggested) }
        return DispatchEvaluation(
            trained: trained, holdout: holdout.count, top1: Double(right1) / n, top3: Double(right3) / n,
            units: units, confused: Array(confused.prefix(10)),
            confidence: thresholds.indices.map {
                Confidence(threshold: thresholds[$0], cases: above[$0], right: above[$0] == 0 ? nil : Double(aboveRight[$0]) / Double(above[$0]))
            },
            rulesKnown: rulesKnown, rulesMissed: rulesKnown > 0 ? rulesMissed : nil,
            modelRightWhereRulesMissed: rulesKnown > 0 ? rescued : nil)
    }

    /// Whether this evaluation is better than `other`'s (a new model replaces the old only
    /// then): a higher top-1 accuracy, or the same and a higher top-3.
    public func isBetter(than other: DispatchEvaluation) -> Bool {
        top1 != other.top1 ? top1 > other.top1 : top3 > other.top3
    }
}
