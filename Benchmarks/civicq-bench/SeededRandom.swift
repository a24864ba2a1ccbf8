import Foundation

/// SplitMix64: a small deterministic generator, so that a benchmark's generated data is the
/// same on every run and machine.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A Poisson draw (Knuth's method for small rates, a rounded normal above 60).
    mutating func poisson(_ lambda: Double) -> Int {
        guard lambda > 0 else { return 0 }
        if lambda > 60 {
            let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self), u2 = Double.random(in: 0..<1, using: &self)
            let normal = (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
            return max(0, Int((lambda + normal * lambda.squareRoot()).rounded()))
        }
        let limit = Foundation.exp(-lambda)
        var k = 0
        var p = Double.random(in: 0..<1, using: &self)
        while p > limit {
            k += 1
            p *= Double.random(in: 0..<1, using: &self)
        }
        return k
    }
}
