public import Foundation

/// A stored dispatch model without its weights (`dispatch_models`, migration 031): when and
/// from which window it was learnt, how it evaluated, and whether it was adopted.
public struct DispatchModelRecord: Sendable, Codable, Equatable {
    public var version: Int
    public var trainedAt: Date
    public var trainedBy: String
    public var windowFrom: Date
    public var windowUntil: Date
    /// The received time of the newest case it learnt from.
    public var trainedUntil: Date
    public var evaluation: DispatchEvaluation
    /// The model in use when it was learnt, against it on the same held-out cases.
    public var compared: DispatchComparison?
    public var adopted: Bool
    public var units: [String]

    /// The training window in whole days.
    public var windowDays: Int { Int((windowUntil.timeIntervalSince(windowFrom) / 86_400).rounded()) }
}

/// A new model against the model in use, on the held-out cases new to both: those received
/// after the model in use learnt.
public struct DispatchComparison: Sendable, Codable, Equatable {
    /// The model in use.
    public var model: Int
    public var cases: Int
    public var inUse: DispatchEvaluation
    public var candidate: DispatchEvaluation

    /// Whether the new model replaces the one in use: some held-out cases were new to both,
    /// and it did better on them (``DispatchEvaluation/isBetter(than:)``).
    public var candidateIsBetter: Bool { cases > 0 && candidate.isBetter(than: inUse) }
}
