public import Foundation

/// A case that may be the same problem as another, as the database finds it
/// (`duplicate_candidates`, migration 023): same category, same street or within the
/// configured distance, received within the window, not merged, withdrawn or rejected.
public struct DuplicateCandidate: Sendable, Equatable {
    public var id: Int64
    public var state: CaseState
    public var receivedAt: Date
    public var area: String
    public var lead: String?
    /// The same administrative area code (community or street) as the case.
    public var sameArea: Bool
    /// The same street (the first 9 digits of the area code).
    public var sameStreet: Bool
    /// Metres between the two, when both have coordinates.
    public var distance: Double?
    /// The same caller (phone number); the number itself is never read out.
    public var sameCaller: Bool
    /// Title, address and description, as compared.
    public var text: String

    public init(id: Int64, state: CaseState, receivedAt: Date, area: String, lead: String?, sameArea: Bool, sameStreet: Bool,
                distance: Double?, sameCaller: Bool, text: String) {
        self.id = id
        self.state = state
        self.receivedAt = receivedAt
        self.area = area
        self.lead = lead
        self.sameArea = sameArea
        self.sameStreet = sameStreet
        self.distance = distance
        self.sameCaller = sameCaller
        self.text = text
    }
}

/// A candidate with its score and the reasons, best first in a list.
public struct DuplicateMatch: Sendable, Equatable, Codable {
    public var id: Int64
    public var score: Double
    /// The texts' similarity alone (``TextGrams/similarity(to:)``).
    public var textSimilarity: Double
    public var reasons: [String]
    public var state: CaseState
    public var receivedAt: Date
    public var area: String
    public var lead: String?

    enum CodingKeys: String, CodingKey {
        case id, score, reasons, state, area, lead
        case textSimilarity = "text_similarity"
        case receivedAt = "received_at"
    }
}

/// How candidates are scored (并单). The score is
///
///     0.7 × text similarity + 0.15 × place + 0.15 × same caller
///
/// where place is 1 for the same area code, 0.7 for the same street, and for coordinates
/// 0.7 × (1 − distance / radius); same caller is 1 or 0. The text carries the decision: two
/// callers in one street complain about different things all the time, and one problem is
/// described by different callers in different words. In a list (``rank(_:_:)``) of at least
/// ``weightedPool`` texts, the text similarity weighs each bigram by its rarity among the case
/// and its candidates (``GramWeights``), so the place and the thing named count and the words
/// every complaint of the kind uses do not. Weights and the threshold were chosen on the generated set of
/// `scripts/bench ledger` (docs/ledger.md gives its precision and recall curve).
public struct DuplicateScorer: Sendable {
    /// Candidates below this score are not listed (setting `duplicates.min_score`).
    public var minScore: Double
    /// The distance that still counts as the same place (setting `duplicates.distance_meters`).
    public var radius: Double
    /// Exact repeats: same caller, category and area, texts at least this alike
    /// (`duplicates.auto_merge_similarity`) ...
    public var repeatSimilarity: Double
    /// ... received at most this long after the earlier case (`duplicates.auto_merge_hours`).
    public var repeatWindow: TimeInterval

    public static let textWeight = 0.7
    public static let placeWeight = 0.15
    public static let callerWeight = 0.15

    public init(minScore: Double = 0.4, radius: Double = 500, repeatSimilarity: Double = 0.9, repeatWindow: TimeInterval = 24 * 3600) {
        self.minScore = minScore
        self.radius = radius
        self.repeatSimilarity = repeatSimilarity
        self.repeatWindow = repeatWindow
    }

    /// One candidate scored against the case's text; with `weights` (those of the case and
    /// all its candidates), the text similarity weighs each bigram by its rarity among them.
    public func score(_ subject: TextGrams, _ candidate: DuplicateCandidate, grams: TextGrams? = nil, weights: GramWeights? = nil,
                      subjectWeight: Double? = nil) -> DuplicateMatch
    {
        let other = grams ?? TextGrams(candidate.text)
        let text = weights.map { subject.similarity(to: other, weights: $0, ownWeight: subjectWeight ?? $0.sum(subject.grams)) }
            ?? subject.similarity(to: other)
        var reasons: [String] = []
        var place = 0.0
        if candidate.sameArea {
            place = 1
            reasons.append("same area")
        } else if candidate.sameStreet {
            place = 0.7
            reasons.append("same street")
        }
        if let distance = candidate.distance, distance <= radius {
            place = max(place, 0.7 * (1 - distance / max(radius, 1)))
            reasons.append("\(Int(distance.rounded())) m away")
        }
        if candidate.sameCaller { reasons.append("same caller") }
        reasons.append("text \(Int((text * 100).rounded()))% alike")
        let score = Self.textWeight * text + Self.placeWeight * place + Self.callerWeight * (candidate.sameCaller ? 1 : 0)
        return DuplicateMatch(id: candidate.id, score: (score * 1000).rounded() / 1000, textSimilarity: (text * 1000).rounded() / 1000,
                              reasons: reasons, state: candidate.state, receivedAt: candidate.receivedAt, area: candidate.area,
                              lead: candidate.lead)
    }

    /// The candidates at or above ``minScore``, best first (ties: the earlier case first). The
    /// texts are compared with the bigrams weighted among the case and its candidates
    /// (``GramWeights``): what the street's complaints of this kind all say weighs little.
    public func rank(_ text: String, _ candidates: [DuplicateCandidate]) -> [DuplicateMatch] {
        let subject = TextGrams(text)
        let grams = candidates.map { TextGrams($0.text) }
        let weights = Self.weights(for: [subject] + grams)
        let own = weights?.sum(subject.grams)
        return zip(candidates, grams).map { score(subject, $0, grams: $1, weights: weights, subjectWeight: own) }
            .filter { $0.score >= minScore }
            .sorted { ($0.score, $1.receivedAt) > ($1.score, $0.receivedAt) }
    }

    /// The fewest texts (a case and its candidates) from which bigrams are weighted.
    public static let weightedPool = 20

    /// The weights for a case and its candidates, or nil when they are fewer than
    /// ``weightedPool``: among a handful of texts, what the kind always says cannot be told from
    /// what one caller happened to write, and the plain Dice coefficient is used.
    public static func weights(for texts: [TextGrams]) -> GramWeights? {
        texts.count >= weightedPool ? GramWeights(texts) : nil
    }

    /// The case an exact repeat is merged into automatically: the earliest live candidate from
    /// the same caller, in the same area, received at most ``repeatWindow`` before the case
    /// (received at `receivedAt`), with texts at least ``repeatSimilarity`` alike. Nil when
    /// there is none.
    public func exactRepeat(of text: String, receivedAt: Date, among candidates: [DuplicateCandidate]) -> DuplicateMatch? {
        let subject = TextGrams(text)
        return candidates
            .filter { $0.sameCaller && $0.sameArea && !$0.state.isFinal && $0.receivedAt <= receivedAt
                && receivedAt.timeIntervalSince($0.receivedAt) <= repeatWindow }
            .map { score(subject, $0) }
            .filter { $0.textSimilarity >= repeatSimilarity }
            .min { ($0.receivedAt, $0.id) < ($1.receivedAt, $1.id) }
    }
}
