/// What learning a dispatch model did: its evaluation, the comparison with the model in use,
/// and whether it was stored and adopted.
public struct DispatchLearning: Sendable, Codable, Equatable {
    public var evaluation: DispatchEvaluation
    public var comparison: DispatchComparison?
    /// Whether it replaces the model in use (no model was in use, or it did better).
    public var adopted: Bool
    /// The version it was stored as; nil when only evaluated.
    public var version: Int?
}
