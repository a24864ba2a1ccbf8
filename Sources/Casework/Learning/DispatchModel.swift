import Foundation

/// A multinomial naive Bayes model of which unit a complaint ends with (智能派单): for each unit,
/// the log of its share of the training cases and, for each feature bucket
/// (``DispatchFeatures``), the log of the bucket's share of that unit's feature weight, with
/// additive smoothing. Trained by ``DispatchTrainer``; deterministic: the same cases in the same
/// order give the same model, bit for bit.
///
/// The weights are stored bucket by bucket (`weights[bucket * units.count + unit]`), so that
/// scoring a complaint reads one short contiguous row per feature.
public struct DispatchModel: Sendable, Equatable {
    /// The units the model can suggest, by code, in the order of the weight rows.
    public let units: [String]
    public let features: DispatchFeatures
    /// The log prior of each unit.
    let logPrior: [Float]
    /// Log likelihoods, bucket-major.
    let weights: [Float]

    init(units: [String], features: DispatchFeatures, logPrior: [Float], weights: [Float]) {
        precondition(logPrior.count == units.count && weights.count == features.buckets * units.count)
        self.units = units
        self.features = features
        self.logPrior = logPrior
        self.weights = weights
    }

    /// Bytes the model holds in memory (its weights and priors).
    public var memoryBytes: Int { (weights.count + logPrior.count) * MemoryLayout<Float>.size }

    /// One suggested unit and its probability under the model.
    public struct Suggestion: Sendable, Hashable, Codable {
        public var unit: String
        public var probability: Double
    }

    /// The `count` most likely units, most likely first (ties: the unit listed first), with
    /// probabilities that sum to 1 over all units. Naive Bayes treats every n-gram as
    /// independent evidence, so its probabilities run close to 0 and 1: they order units well
    /// and overstate certainty (``DispatchEvaluation`` reports how often a first choice above a
    /// probability was right).
    public func suggest(_ input: DispatchInput, count: Int = 3) -> [Suggestion] {
        let scores = score(input)
        guard let top = scores.max() else { return [] }
        var total = 0.0
        var exps = [Double](repeating: 0, count: scores.count)
        for (index, score) in scores.enumerated() {
            exps[index] = exp(Double(score - top))
            total += exps[index]
        }
        let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        return order.prefix(count).map { Suggestion(unit: units[$0], probability: exps[$0] / total) }
    }

    /// The most likely unit for a case being routed that has not returned it (and is in
    /// `allowed`, when given), with its probability among all units.
    public func firstChoice(_ input: RoutingInput, among allowed: Set<String>? = nil) -> Suggestion? {
        suggest(DispatchInput(input), count: units.count)
            .first { suggestion in !input.excluded.contains(suggestion.unit) && (allowed?.contains(suggestion.unit) ?? true) }
    }

    /// The unnormalised log posterior of each unit.
    func score(_ input: DispatchInput) -> [Float] {
        let count = units.count
        var scores = logPrior
        weights.withUnsafeBufferPointer { weights in
            scores.withUnsafeMutableBufferPointer { scores in
                features.visit(input) { bucket, weight, _ in
                    let row = bucket * count
                    for unit in 0..<count { scores[unit] += weight * weights[row + unit] }
                }
            }
        }
        return scores
    }

    /// The n-grams and tokens that weighed most for `unit` against the others: each feature's
    /// weight times how much more likely it is under `unit` than under the average unit.
    public func evidence(for unit: String, in input: DispatchInput, count: Int = 5) -> [(text: String, weight: Double)] {
        guard let target = units.firstIndex(of: unit) else { return [] }
        let width = units.count
        let scored = features.features(of: input).map { feature -> (String, Double) in
            let row = feature.bucket * width
            var mean = 0.0
            for index in 0..<width { mean += Double(weights[row + index]) }
            mean /= Double(width)
            return (feature.text, Double(feature.weight) * (Double(weights[row + target]) - mean))
        }
        return scored.filter { $0.1 > 0 }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(count).map { ($0.0, $0.1) }
    }
}
