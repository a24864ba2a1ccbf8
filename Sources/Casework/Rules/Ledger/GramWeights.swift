import Foundation

/// How much each bigram tells, among a set of texts compared with one another (a case and its
/// candidates): its inverse document frequency, ln((N + 1) / (df + 0.5)) for a bigram found
/// in df of the N texts. A bigram in every text weighs about nothing; one in a single text
/// weighs most. Bigrams the set has not seen weigh as one seen once.
public struct GramWeights: Sendable {
    public let documents: Int
    private let frequency: [UInt64: Int]

    public init(_ texts: [TextGrams]) {
        var frequency: [UInt64: Int] = [:]
        for text in texts {
            for gram in text.grams { frequency[gram, default: 0] += 1 }
        }
        self.documents = texts.count
        self.frequency = frequency
    }

    public subscript(gram: UInt64) -> Double {
        let df = Double(max(frequency[gram] ?? 1, 1))
        let idf = Foundation.log((Double(documents) + 1) / (df + 0.5)); return idf * idf
    }

    func sum(_ grams: Set<UInt64>) -> Double {
        grams.reduce(0) { $0 + self[$1] }
    }
}
