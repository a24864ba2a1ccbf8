import Foundation

/// How much each bigram tells, among a set of texts compared with one another (a case and its
/// candidates): its inverse document frequency squared, ln((N + 1) / (df + 0.5))², for a
/// bigram found in df of the N texts. A bigram in every text weighs about nothing; one in a
/// single text weighs most. Bigrams the set has not seen weigh as one seen once. Each weight
/// is computed once, when the set is read.
public struct GramWeights: Sendable {
    public let documents: Int
    private let weights: [UInt64: Double]
    private let unseen: Double

    public init(_ texts: [TextGrams]) {
        var frequency: [UInt64: Int] = [:]
        for text in texts {
            for gram in text.grams { frequency[gram, default: 0] += 1 }
        }
        // One weight per document frequency, 1 to N (a bigram absent from the set weighs as 1).
        let byFrequency = (0...texts.count).map { df in
            let idf = Foundation.log((Double(texts.count) + 1) / (Double(max(df, 1)) + 0.5))
            return idf * idf
        }
        self.documents = texts.count
        self.weights = frequency.mapValues { byFrequency[$0] }
        self.unseen = byFrequency[1]
    }

    public subscript(gram: UInt64) -> Double { weights[gram] ?? unseen }

    /// The weights of these bigrams, added up.
    public func sum(_ grams: Set<UInt64>) -> Double {
        grams.reduce(0) { $0 + self[$1] }
    }
}
