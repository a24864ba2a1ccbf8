import Casework
import Foundation
import Testing

@Suite("Hot spots: the Poisson test against a series' own baseline")
struct HotspotRuleTests {
    @Test func poissonTailMatchesClosedForms() {
        // P(X ≥ 1) = 1 − e^−λ; P(X ≥ 2) = 1 − e^−λ(1 + λ).
        for lambda in [0.1, 1, 4.5, 30] {
            #expect(abs(HotspotRule.poissonTail(atLeast: 1, rate: lambda) - (1 - exp(-lambda))) < 1e-12)
            #expect(abs(HotspotRule.poissonTail(atLeast: 2, rate: lambda) - (1 - exp(-lambda) * (1 + lambda))) < 1e-12)
        }
        #expect(HotspotRule.poissonTail(atLeast: 0, rate: 3) == 1)
        // P(X ≥ 10; λ = 2) = 4.649807e-5 (the sum of the terms from 10 up).
        #expect(abs(HotspotRule.poissonTail(atLeast: 10, rate: 2) - 4.649807e-5) < 1e-10)
    }

    @Test func theBaselineIsRaisedByItsUncertaintyAndAFloor() {
        let rule = HotspotRule(baselineDays: 28, minCount: 5, alpha: 0.001, minimumRate: 0.2)
        #expect(rule.expected(from: []) == 0.2)
        let four = rule.expected(from: Array(repeating: 4, count: 28))
        #expect(abs(four - (4 + 1.645 * (4.0 / 28).squareRoot())) < 1e-12)
        // Only the last 28 days count; days before them are ignored.
        #expect(rule.expected(from: Array(repeating: 100, count: 10) + Array(repeating: 4, count: 28)) == four)
    }

    @Test func aHotSpotNeedsBothTheCountAndTheTail() {
        let rule = HotspotRule()
        let quiet = Array(repeating: 0, count: 28)
        #expect(rule.evaluate(count: 5, history: quiet).isHot)
        // Four from nothing is unlikely but under the minimum count.
        #expect(!rule.evaluate(count: 4, history: quiet).isHot)
        // Twelve a day, every day: twelve or twenty are ordinary; thirty-five is not.
        let busy = Array(repeating: 12, count: 28)
        #expect(!rule.evaluate(count: 12, history: busy).isHot)
        #expect(!rule.evaluate(count: 20, history: busy).isHot)
        let spike = rule.evaluate(count: 35, history: busy)
        #expect(spike.isHot)
        #expect(spike.pValue < 0.001)
    }
}
