public import Foundation

/// The weekly check of the model in use (drift): of the cases finished in the week before `at`
/// that were received after it learnt, how many ended with its first choice.
public struct DispatchModelCheck: Sendable, Codable, Equatable {
    public var model: Int
    public var at: Date
    public var since: Date
    public var cases: Int
    public var agreed: Int
    /// The model's top-1 accuracy on its own held-out cases, to compare with.
    public var evaluatedTop1: Double

    /// Agreed of the cases checked; no figure without a case.
    public var agreement: FigureRate { FigureRate(Double(agreed), of: Int64(cases)) }
}
