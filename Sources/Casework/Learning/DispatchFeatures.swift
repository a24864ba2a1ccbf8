/// What the dispatch model reads in a complaint: its title and description as character 1- and
/// 2-grams (no word segmenter), and its category, area and channel as tokens, each hashed into
/// one of `2^bits` buckets. Deterministic: the hash is FNV-1a over fixed bytes, never Swift's
/// seeded `Hasher`, so a model trained today reads the same buckets tomorrow.
///
/// Text is read as people type it: full-width letters and digits as their ASCII forms, Latin
/// letters in lower case, a run of digits as one `0` (house and phone numbers say nothing about
/// the unit), and whitespace and punctuation break the text (no 2-gram spans them). Only the
/// first ``maxTextScalars`` characters of the description count: a rambling text weighs no more
/// than that, and a suggestion stays fast.
public struct DispatchFeatures: Sendable, Hashable {
    /// Buckets as a power of two (default 17: 131,072 buckets).
    public let bits: Int
    /// The characters of a description read at most.
    public static let maxTextScalars = 2_000
    /// A title's n-grams count this many times (a title names the problem).
    public static let titleWeight: Float = 2

    public init(bits: Int = 17) {
        precondition((10...24).contains(bits), "bucket bits out of range")
        self.bits = bits
    }

    public var buckets: Int { 1 << bits }

    /// One feature: its bucket and weight, and what it was (for explanations).
    public struct Feature: Sendable, Hashable {
        public var bucket: Int
        public var weight: Float
        public var text: String
    }

    /// What a feature was, cheap to pass along; ``text`` names it.
    public enum Name: Sendable, Hashable {
        case token(String, String)
        case gram(Unicode.Scalar, Unicode.Scalar?)

        /// `k:020103`, `a6:420102`, `水`, `水管`.
        public var text: String {
            switch self {
            case .token(let field, let value): "\(field):\(value)"
            case .gram(let first, let second): second.map { String(first) + String($0) } ?? String(first)
            }
        }
    }

    /// The features of a complaint, each bucket once with the sum of its weights and the
    /// first text that fell into it (for explanations), by bucket.
    public func features(of input: DispatchInput) -> [Feature] {
        var weights: [Int: (Float, String)] = [:]
        visit(input) { bucket, weight, name in
            if let (sum, first) = weights[bucket] {
                weights[bucket] = (sum + weight, first)
            } else {
                weights[bucket] = (weight, name.text)
            }
        }
        return weights.map { Feature(bucket: $0.key, weight: $0.value.0, text: $0.value.1) }.sorted { $0.bucket < $1.bucket }
    }

    /// Calls `body` with the bucket, weight and name of every feature occurrence of `input` (a
    /// bucket may come more than once: weights add up). Training and suggestions sum over
    /// these without collecting them.
    @inlinable
    public func visit(_ input: DispatchInput, _ body: (Int, Float, Name) -> Void) {
        let mask = buckets - 1
        func token(_ field: String, _ value: String) {
            body(Int(truncatingIfNeeded: Self.hash(token: field, value)) & mask, 1, .token(field, value))
        }
        if !input.category.isEmpty { token("k", input.category) }
        if !input.area.isEmpty { token("a", input.area) }
        if !input.channel.isEmpty { token("c", input.channel) }
        // An area's district and street (its first 6 and 9 digits) are places too.
        let area = input.area.unicodeScalars
        if area.count > 6 { token("a6", String(area.prefix(6))) }
        if area.count > 9 { token("a9", String(area.prefix(9))) }
        Self.grams(of: input.title, limit: Int.max, weight: Self.titleWeight, mask: mask, body)
        Self.grams(of: input.description, limit: Self.maxTextScalars, weight: 1, mask: mask, body)
    }

    /// Calls `add` for every 1- and 2-gram of `text`'s first `limit` characters.
    @usableFromInline
    static func grams(of text: String, limit: Int, weight: Float, mask: Int, _ body: (Int, Float, Name) -> Void) {
        var previous: Unicode.Scalar?
        var read = 0
        var inDigits = false
        for raw in text.unicodeScalars {
            read += 1
            if read > limit { break }
            guard let scalar = normalized(raw) else {
                previous = nil
                inDigits = false
                continue
            }
            if scalar == "0" {
                if inDigits { continue }
                inDigits = true
            } else {
                inDigits = false
            }
            body(Int(truncatingIfNeeded: hash(scalar)) & mask, weight, .gram(scalar, nil))
            if let first = previous {
                body(Int(truncatingIfNeeded: hash(first, scalar)) & mask, weight, .gram(first, scalar))
            }
            previous = scalar
        }
    }

    /// The scalar as the model reads it, or nil for a separator (whitespace, punctuation,
    /// symbols, controls). Digits are `0`.
    @usableFromInline
    static func normalized(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        var value = scalar.value
        if (0xFF01...0xFF5E).contains(value) { value -= 0xFEE0 }  // full-width ASCII forms
        if (0x30...0x39).contains(value) { return "0" }
        if (0x41...0x5A).contains(value) { value += 0x20 }
        guard let result = Unicode.Scalar(value) else { return nil }
        switch result.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return result
        case .decimalNumber, .letterNumber, .otherNumber: return "0"
        default: return nil
        }
    }

    @usableFromInline static let offset: UInt64 = 0xcbf2_9ce4_8422_2325
    @usableFromInline static let prime: UInt64 = 0x0000_0100_0000_01b3

    @usableFromInline
    static func mix(_ hash: inout UInt64, _ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) {
            hash ^= UInt64((value >> UInt32(shift)) & 0xFF)
            hash &*= prime
        }
    }

    /// A 1-gram's hash, and a 2-gram's (the count first: no 1-gram hashes as a 2-gram).
    @usableFromInline
    static func hash(_ scalar: Unicode.Scalar) -> UInt64 {
        var hash = offset
        mix(&hash, 1)
        mix(&hash, scalar.value)
        return hash
    }

    @usableFromInline
    static func hash(_ first: Unicode.Scalar, _ second: Unicode.Scalar) -> UInt64 {
        var hash = offset
        mix(&hash, 2)
        mix(&hash, first.value)
        mix(&hash, second.value)
        return hash
    }

    @usableFromInline
    static func hash(token field: String, _ value: String) -> UInt64 {
        var hash = offset
        mix(&hash, 0xFFFF_FFFF)  // no n-gram starts so
        for scalar in field.unicodeScalars { mix(&hash, scalar.value) }
        mix(&hash, 0)
        for scalar in value.unicodeScalars { mix(&hash, scalar.value) }
        return hash
    }
}
