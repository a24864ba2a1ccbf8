@testable import Casework
import Foundation
import Testing

/// The dispatch model's rules without a database: features, training, suggestions,
/// evaluation, and what it refuses.
@Suite struct DispatchModelTests {
    static func input(_ title: String, _ description: String = "", category: String = "020103", area: String = "420102001") -> DispatchInput {
        DispatchInput(category: category, area: area, channel: "phone", title: title, description: description)
    }

    /// A small history: water complaints speak of pipes and water, roads of potholes and lamps.
    static func history(count: Int = 1_200) -> [DispatchExample] {
        let water = ["水管漏水", "停水三天", "自来水发黄", "水压太低", "水表坏了"]
        let roads = ["路面坑洼", "路灯不亮", "井盖丢失", "人行道破损", "红绿灯故障"]
        let noise = ["工地夜间施工噪音", "广场舞音响太吵", "装修噪音扰民"]
        return (0..<count).map { index in
            let (unit, texts) = [("water", water), ("roads", roads), ("env", noise)][index % 3]
            return DispatchExample(
                input: input(texts[index % texts.count], "小区门口" + texts[(index / 3) % texts.count] + "，请尽快处理"),
                unit: unit, received: Date(timeIntervalSince1970: Double(index) * 60))
        }
    }

    @Test func featuresAreCharacterGramsAndTokensReadAsTyped() {
        let features = DispatchFeatures(bits: 16)
        let texts = Set(features.features(of: Self.input("水管ＡＢ 12号", "")).map(\.text))
        // 1- and 2-grams; full-width letters as ASCII in lower case; a run of digits is one 0;
        // the space breaks the text (no 2-gram spans it).
        for expected in ["水", "管", "水管", "管a", "a", "ab", "0", "0号", "k:020103", "a:420102001", "a6:420102", "c:phone"] {
            #expect(texts.contains(expected), "\(expected)")
        }
        #expect(!texts.contains("b0") && !texts.contains("00") && !texts.contains("1"))
        // The same buckets on every run and machine (FNV-1a, no seeded hashing): these were
        // computed once, outside Swift, from the hash's definition.
        let buckets = Dictionary(uniqueKeysWithValues: features.features(of: Self.input("水管")).map { ($0.text, $0.bucket) })
        #expect(buckets["水管"] == 39_971 && buckets["水"] == 42_036)
        // A 2-gram, its 1-grams and a token of the same text hash apart.
        #expect(Set([DispatchFeatures.hash("水", "管"), DispatchFeatures.hash("水"), DispatchFeatures.hash(token: "k", "水管")]).count == 3)
    }

    @Test func aLongTextIsReadUpToItsLimit() {
        let features = DispatchFeatures(bits: 16)
        let long = String(repeating: "甲", count: DispatchFeatures.maxTextScalars) + "乙丙"
        let texts = Set(features.features(of: Self.input("", long)).map(\.text))
        #expect(texts.contains("甲甲") && !texts.contains("乙") && !texts.contains("乙丙"))
        // Empty texts still have their tokens: category, area, its district (a 9-digit area
        // is its own street), channel.
        #expect(Set(features.features(of: Self.input("", "")).map(\.text)) == ["k:020103", "a:420102001", "a6:420102", "c:phone"])
    }

    @Test func trainedModelSuggestsTheUnitAndExplainsWhy() throws {
        let model = try DispatchTrainer(features: DispatchFeatures(bits: 14)).train(Self.history())
        #expect(model.units == ["env", "roads", "water"])
        let top = model.suggest(Self.input("家里水管漏水了", "厨房水管一直漏水"))
        #expect(top.map(\.unit).first == "water")
        #expect(top.count == 3)
        #expect(abs(top.map(\.probability).reduce(0, +) - 1) < 1e-6)
        #expect(top[0].probability > top[1].probability)
        let evidence = model.evidence(for: "water", in: Self.input("家里水管漏水了", "厨房水管一直漏水"))
        #expect(evidence.map { $0.text }.contains("水管"))
        #expect(model.suggest(Self.input("路灯坏了", "晚上路灯不亮")).first?.unit == "roads")
        // A category and an area never seen, and no text at all: still an answer, from the priors.
        #expect(model.suggest(Self.input("", "", category: "999999", area: "1100")).count == 3)
    }

    @Test func trainingIsDeterministic() throws {
        let trainer = DispatchTrainer(features: DispatchFeatures(bits: 12))
        #expect(try trainer.train(Self.history()) == trainer.train(Self.history()))
    }

    @Test func tooSmallAHistoryIsRefusedWithWhatItNeeds() {
        let error = #expect(throws: CaseworkError.self) { try DispatchTrainer().train(Self.history(count: 999)) }
        #expect(error?.code == .badInput)
        #expect(error?.message.contains("999") == true && error?.message.contains("1000") == true)
        let oneUnit = Self.history().map { DispatchExample(input: $0.input, unit: "water", received: $0.received) }
        #expect(throws: CaseworkError.self) { try DispatchTrainer().train(oneUnit) }
    }

    @Test func evaluationSplitsByTimeAndComparesWithTheRules() throws {
        var examples = Self.history(count: 1_500)
        // The rules sent every holdout road case to the desk, and water cases to roads.
        for index in examples.indices {
            examples[index].rules = examples[index].unit == "roads" ? .desk : examples[index].unit == "water" ? .unit("roads") : .unit("env")
        }
        let (train, holdout) = DispatchEvaluation.split(examples.reversed(), holdout: 0.2)
        #expect(train.count == 1_200 && holdout.count == 300)
        #expect(holdout.allSatisfy { $0.received >= train.last!.received })
        let (earlier, latest) = DispatchEvaluation.split(examples)
        let model = try DispatchTrainer(features: DispatchFeatures(bits: 14)).train(earlier)
        let evaluation = DispatchEvaluation.evaluate(model, on: latest, trained: earlier.count)
        #expect(evaluation.holdout == 300 && evaluation.trained == 1_200)
        #expect(evaluation.top1 > 0.95 && evaluation.top3 == 1)
        #expect(evaluation.units.map(\.unit) == ["env", "roads", "water"])
        #expect(evaluation.rulesMissed == 200)
        #expect((evaluation.modelRightWhereRulesMissed ?? 0) > 190)
        let worse = DispatchEvaluation(trained: 1, holdout: 1, top1: evaluation.top1 - 0.1, top3: 1, units: [], confused: [], confidence: [])
        #expect(evaluation.isBetter(than: worse) && !worse.isBetter(than: evaluation))
    }
}
