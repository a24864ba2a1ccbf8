@testable import Casework
import Foundation
import Testing

/// The stored form of a dispatch model, and the optional dispatch by it: only cases the rules
/// would send to the desk, only likely enough, never to a unit that returned the case or is not
/// active, never once the return limit is reached.
@Suite struct ModelDispatcherTests {
    static let model = try! DispatchTrainer(features: DispatchFeatures(bits: 12)).train(DispatchModelTests.history())

    static func routing(_ title: String, excluded: Set<String> = [], returns: Int = 0) -> RoutingInput {
        RoutingInput(category: "990101", area: "999999", title: title, description: "小区门口\(title)，请尽快处理",
                     excluded: excluded, returns: returns)
    }

    static let desk = RoutingDecision(outcome: .manualDispatch, ruleID: nil, priority: nil, policy: "ordinary", reason: "no rule matched")
    static let all: Set<String> = ["water", "roads", "env"]

    @Test func storedBytesReadBackAsTheSameModel() throws {
        let model = Self.model
        let bytes = model.storedBytes
        #expect(bytes.count == 4 * model.units.count * (1 + model.features.buckets))
        let read = try DispatchModel(units: model.units, bits: model.features.bits, storedBytes: bytes)
        #expect(read == model)
        // Little-endian float32, the priors first: the first unit's prior from its four bytes.
        let first = Float(bitPattern: UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24)
        #expect(first == model.logPrior[0])
        #expect(throws: CaseworkError.self) { try DispatchModel(units: model.units, bits: model.features.bits, storedBytes: Array(bytes.dropLast(4))) }
        #expect(throws: CaseworkError.self) { try DispatchModel(units: ["water"], bits: model.features.bits, storedBytes: bytes) }
        // Read a slice at a time, as the store reads it: the same model; short of bytes, refused.
        var asked: [Int] = []
        let sliced = try DispatchModel.reading(units: model.units, bits: model.features.bits) { offset, count in
            asked.append(offset)
            return Array(bytes[offset..<min(bytes.count, offset + count)])
        }
        #expect(sliced == model && asked.first == 0 && asked.dropFirst().first == 4 * model.units.count)
        #expect(throws: CaseworkError.self) {
            try DispatchModel.reading(units: model.units, bits: model.features.bits) { offset, count in
                Array(bytes.dropLast(4)[offset..<min(bytes.count - 4, offset + count)])
            }
        }
    }

    @Test func aCaseForTheDeskGoesToTheModelsFirstChoiceWhenLikelyEnough() throws {
        let dispatcher = ModelDispatcher(version: 7, model: Self.model, threshold: 0.5)
        let (decision, note) = try #require(dispatcher.decide(Self.routing("水管漏水"), after: Self.desk, maxReturns: 2, active: Self.all))
        #expect(decision.lead == "water" && decision.ruleID == nil && decision.policy == "ordinary")
        #expect(decision.reason.hasPrefix("no rule matched; dispatch model 7 put water first at "))
        #expect(note.source == "model" && note.model == 7 && note.probability >= 0.5)
        // A probability above any the model gives: the desk.
        let strict = ModelDispatcher(version: 7, model: Self.model, threshold: 1.0)
        #expect(strict.decide(Self.routing("一件说不清的事"), after: Self.desk, maxReturns: 2, active: Self.all) == nil)
    }

    @Test func theRulesDecisionsAndTheReturnLimitStand() {
        let dispatcher = ModelDispatcher(version: 7, model: Self.model, threshold: 0.01)
        let ruled = RoutingDecision(outcome: .dispatched(lead: "roads", assists: []), ruleID: "r", priority: nil, policy: "ordinary", reason: "rule r matched")
        #expect(dispatcher.decide(Self.routing("水管漏水"), after: ruled, maxReturns: 2, active: Self.all) == nil)
        #expect(dispatcher.decide(Self.routing("水管漏水", excluded: ["roads", "env"], returns: 2), after: Self.desk, maxReturns: 2, active: Self.all) == nil)
    }

    @Test func neverAUnitThatReturnedTheCaseOrIsNotActive() throws {
        let dispatcher = ModelDispatcher(version: 7, model: Self.model, threshold: 0.0)
        let returned = try #require(dispatcher.decide(Self.routing("水管漏水", excluded: ["water"], returns: 1), after: Self.desk, maxReturns: 2, active: Self.all))
        #expect(returned.0.lead != "water" && returned.0.lead != nil)
        let inactive = try #require(dispatcher.decide(Self.routing("水管漏水"), after: Self.desk, maxReturns: 2, active: ["roads", "env"]))
        #expect(inactive.0.lead != "water")
        #expect(dispatcher.decide(Self.routing("水管漏水"), after: Self.desk, maxReturns: 2, active: []) == nil)
    }

    @Test func aNewModelReplacesTheOneInUseOnlyWhenBetterOnCasesNewToBoth() {
        func evaluation(_ top1: Double, _ top3: Double) -> DispatchEvaluation {
            DispatchEvaluation(trained: 1_000, holdout: 250, top1: top1, top3: top3, units: [], confused: [], confidence: [])
        }
        #expect(DispatchComparison(model: 1, cases: 250, inUse: evaluation(0.8, 0.9), candidate: evaluation(0.85, 0.9)).candidateIsBetter)
        #expect(DispatchComparison(model: 1, cases: 250, inUse: evaluation(0.8, 0.9), candidate: evaluation(0.8, 0.95)).candidateIsBetter)
        #expect(!DispatchComparison(model: 1, cases: 250, inUse: evaluation(0.8, 0.9), candidate: evaluation(0.8, 0.9)).candidateIsBetter)
        #expect(!DispatchComparison(model: 1, cases: 250, inUse: evaluation(0.9, 0.9), candidate: evaluation(0.85, 0.99)).candidateIsBetter)
        // No held-out case was new to the model in use: nothing shows the new one is better.
        #expect(!DispatchComparison(model: 1, cases: 0, inUse: evaluation(0, 0), candidate: evaluation(1, 1)).candidateIsBetter)
    }
}
