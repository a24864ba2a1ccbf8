import Casework
import Foundation
import Testing

@Suite("Duplicates: character bigrams and scores")
struct DuplicateScorerTests {
    @Test func bigramsFoldPunctuationWidthAndCase() {
        #expect(TextGrams("下水道堵塞！").grams == TextGrams("下水道 堵塞").grams)
        #expect(TextGrams("ＡＢＣ１２").grams == TextGrams("abc12").grams)
        #expect(TextGrams("下水道堵塞").grams.count == 4)
        #expect(TextGrams("堵").grams.count == 1)
        #expect(TextGrams("，。！").grams.isEmpty)
    }

    @Test func similarityIsDiceOfTheBigramSets() {
        let a = TextGrams("下水道堵塞")
        #expect(a.similarity(to: a) == 1)
        #expect(a.similarity(to: TextGrams("路灯不亮")) == 0)
        // 下水 水道 道堵 堵塞 against 下水 水道 道坏: two shared of 4 + 3.
        #expect(abs(a.similarity(to: TextGrams("下水道坏")) - 4.0 / 7.0) < 1e-12)
        #expect(TextGrams("").similarity(to: TextGrams("")) == 0)
    }

    @Test func rareBigramsWeighMoreThanTheKindsCommonWords() {
        // Four drain complaints in one street: 下水道堵塞 is in all of them, the places differ.
        let texts = ["幸福路12号下水道堵塞", "幸福路12号门口下水道堵塞", "建设大道8号下水道堵塞", "中山路5号下水道堵塞"].map { TextGrams($0) }
        let weights = GramWeights(texts)
        let common = weights[TextGrams("下水").grams.first!]
        let rare = weights[TextGrams("幸福").grams.first!]
        let unique = weights[TextGrams("中山").grams.first!]
        #expect(common < rare && rare < unique)
        // ln(5 / 4.5)² for a bigram in all four; ln(5 / 1.5)² for one in a single text.
        #expect(abs(common - pow(log(5 / 4.5), 2)) < 1e-12)
        #expect(abs(unique - pow(log(5 / 1.5), 2)) < 1e-12)
        // Weighted, the same place outweighs the shared words; unweighted it does not.
        let same = texts[0].similarity(to: texts[1], weights: weights)
        let other = texts[0].similarity(to: texts[2], weights: weights)
        #expect(same > 0.5 && other < 0.1)
        #expect(texts[0].similarity(to: texts[2]) > 0.4)
        // A list weighs its bigrams from 20 texts on; below, every bigram weighs the same.
        #expect(DuplicateScorer.weights(for: Array(repeating: texts[0], count: 19)) == nil)
        #expect(DuplicateScorer.weights(for: Array(repeating: texts[0], count: 20))?.documents == 20)
    }

    static func candidate(_ id: Int64, _ text: String, sameArea: Bool = false, sameStreet: Bool = true, distance: Double? = nil,
                          sameCaller: Bool = false, hoursAgo: Double = 1, state: CaseState = .dispatched) -> DuplicateCandidate {
        DuplicateCandidate(id: id, state: state, receivedAt: Date(timeIntervalSince1970: 1_000_000 - hoursAgo * 3600), area: "420102001001",
                           lead: "water", sameArea: sameArea, sameStreet: sameStreet, distance: distance, sameCaller: sameCaller, text: text)
    }

    @Test func theScoreWeighsTextPlaceAndCaller() {
        let scorer = DuplicateScorer(minScore: 0.4, radius: 500)
        let text = TextGrams("幸福路12号下水道堵塞")
        let same = scorer.score(text, Self.candidate(1, "幸福路12号下水道堵塞", sameArea: true, sameCaller: true))
        #expect(same.score == 1)
        #expect(same.reasons == ["same area", "same caller", "text 100% alike"])
        let street = scorer.score(text, Self.candidate(2, "幸福路12号下水道堵塞"))
        #expect(abs(street.score - 0.805) < 1e-9)
        // Coordinates 250 m apart in another street: half the radius, 0.35 of place.
        let near = scorer.score(text, Self.candidate(3, "幸福路12号下水道堵塞", sameStreet: false, distance: 250))
        #expect(abs(near.score - 0.7525) <= 0.0005 + 1e-9)
        #expect(near.reasons.first == "250 m away")
        let unrelated = scorer.score(text, Self.candidate(4, "建设大道井盖缺失", sameArea: true, sameCaller: true))
        #expect(unrelated.score == 0.3)
        #expect(scorer.rank("幸福路12号下水道堵塞", [Self.candidate(4, "建设大道井盖缺失", sameArea: true, sameCaller: true),
                                                  Self.candidate(2, "幸福路12号下水道堵塞")]).map(\.id) == [2])
    }

    @Test func anExactRepeatIsTheSameCallerAreaAndTextWithinTheWindow() {
        let scorer = DuplicateScorer(repeatSimilarity: 0.9, repeatWindow: 24 * 3600)
        let text = "幸福路12号小区门口下水道堵塞，污水漫到人行道上"
        let now = Date(timeIntervalSince1970: 1_000_000)
        let exact = Self.candidate(1, text + "。", sameArea: true, sameCaller: true, hoursAgo: 3)
        let earlier = Self.candidate(2, text, sameArea: true, sameCaller: true, hoursAgo: 5)
        #expect(scorer.exactRepeat(of: text, receivedAt: now, among: [exact, earlier])?.id == 2)
        // Each condition on its own keeps it from being a repeat.
        for other in [Self.candidate(3, text, sameArea: false, sameCaller: true),
                      Self.candidate(4, text, sameArea: true, sameCaller: false),
                      Self.candidate(5, text, sameArea: true, sameCaller: true, hoursAgo: 25),
                      Self.candidate(6, text, sameArea: true, sameCaller: true, hoursAgo: -1),
                      Self.candidate(7, text, sameArea: true, sameCaller: true, state: .closed),
                      Self.candidate(8, "幸福路12号小区门口路灯不亮，晚上很黑", sameArea: true, sameCaller: true)] {
            #expect(scorer.exactRepeat(of: text, receivedAt: now, among: [other]) == nil, "\(other.id)")
        }
    }
}
