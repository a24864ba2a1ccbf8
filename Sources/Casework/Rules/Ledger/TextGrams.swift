/// The character bigrams of a complaint's text, for telling whether two complaints describe
/// the same problem without a word segmenter: Chinese has no spaces, and two characters are
/// the unit most of its words are made of.
///
/// The text is folded first: letters and digits only (punctuation, spaces and symbols go),
/// lower case, full-width ASCII as ASCII. Each bigram is a pair of Unicode scalars packed into
/// one integer, so two different bigrams never compare equal.
public struct TextGrams: Sendable, Equatable {
    /// The distinct bigrams (a text of one character: that character alone).
    public let grams: Set<UInt64>

    /// The bigrams of `text`, of its first `limit` letters and digits.
    public init(_ text: String, limit: Int = 600) {
        var scalars: [UInt32] = []
        scalars.reserveCapacity(min(limit, text.unicodeScalars.count))
        for scalar in text.unicodeScalars {
            guard scalars.count < limit, let folded = Self.fold(scalar) else { continue }
            scalars.append(folded)
        }
        var grams = Set<UInt64>(minimumCapacity: scalars.count)
        if scalars.count == 1 { grams.insert(UInt64(scalars[0])) }
        for index in scalars.indices.dropFirst() {
            grams.insert(UInt64(scalars[index - 1]) << 32 | UInt64(scalars[index]))
        }
        self.grams = grams
    }

    /// How alike two texts are: the Dice coefficient of their bigram sets, 2|A∩B| / (|A|+|B|),
    /// from 0 (nothing shared) to 1 (the same bigrams). Two empty texts are not alike.
    public func similarity(to other: TextGrams) -> Double {
        let total = grams.count + other.grams.count
        guard total > 0 else { return 0 }
        let (small, large) = grams.count <= other.grams.count ? (grams, other.grams) : (other.grams, grams)
        let shared = small.reduce(0) { $0 + (large.contains($1) ? 1 : 0) }
        return 2 * Double(shared) / Double(total)
    }

    /// The same, each shared bigram weighted by how rare it is among the texts compared
    /// (``GramWeights``): what every complaint of a kind says (下水, 堵塞, 小区) counts little,
    /// what names the place or the thing (幸福路, 12号, 烧烤) counts much.
    public func similarity(to other: TextGrams, weights: GramWeights) -> Double {
        similarity(to: other, weights: weights, ownWeight: weights.sum(grams))
    }

    /// The same, with this text's own summed weight given (a case compared with each of its
    /// candidates sums its own once): one pass over the other text's bigrams.
    public func similarity(to other: TextGrams, weights: GramWeights, ownWeight: Double) -> Double {
        var otherWeight = 0.0
        var shared = 0.0
        for gram in other.grams {
            let weight = weights[gram]
            otherWeight += weight
            if grams.contains(gram) { shared += weight }
        }
        let total = ownWeight + otherWeight
        return total > 0 ? min(1, 2 * shared / total) : 0
    }

    /// A letter or digit as compared: lower case, full-width forms as ASCII; nil for the rest.
    static func fold(_ scalar: Unicode.Scalar) -> UInt32? {
        var value = scalar.value
        // The common cases without a look at Unicode's properties: ASCII letters and digits,
        // CJK ideographs, and ASCII or CJK punctuation.
        switch value {
        case 0x30...0x39, 0x61...0x7A, 0x4E00...0x9FFF: return value
        case 0x41...0x5A: return value + 0x20
        case 0...0x7F, 0x3000...0x303F: return nil
        default: break
        }
        // Full-width ASCII (Ｆ, ３) as ASCII.
        if (0xFF01...0xFF5E).contains(value) { value -= 0xFEE0 }
        guard let folded = Unicode.Scalar(value) else { return nil }
        let properties = folded.properties
        guard properties.isAlphabetic || properties.numericType != nil else { return nil }
        if (0x41...0x5A).contains(value) { return value + 0x20 }
        if properties.changesWhenLowercased, let lower = properties.lowercaseMapping.unicodeScalars.first,
           properties.lowercaseMapping.unicodeScalars.count == 1 {
            return lower.value
        }
        return value
    }
}
