public import Foundation

/// A case as the dispatch model learns from it: what the complaint said, and the unit that
/// finally handled it (after returns and desk rulings, not the first guess).
public struct DispatchExample: Sendable, Hashable, Codable {
    public var input: DispatchInput
    public var unit: String
    /// When the case was received: the holdout is the latest cases (``DispatchEvaluation``).
    public var received: Date
    /// Where the rules first sent the case, when known.
    public var rules: RulesRouting

    /// Where the rules first sent a case.
    public enum RulesRouting: Sendable, Hashable, Codable {
        case unknown
        /// The manual dispatch desk: no rule matched.
        case desk
        case unit(String)
    }

    public init(input: DispatchInput, unit: String, received: Date, rules: RulesRouting = .unknown) {
        self.input = input
        self.unit = unit
        self.received = received
        self.rules = rules
    }
}
