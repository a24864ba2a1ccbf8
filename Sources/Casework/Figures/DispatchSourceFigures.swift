/// Dispatches to a lead unit by who made them, and how many that unit returned.
public struct DispatchSourceFigures: Sendable, Codable, Equatable {
    /// `rule`, `model` or `desk`.
    public var source: String
    public var dispatches: Int
    public var returned: Int

    public init(source: String, dispatches: Int, returned: Int) {
        self.source = source
        self.dispatches = dispatches
        self.returned = returned
    }

    /// Returned of dispatched; no figure without a dispatch.
    public var returnRate: FigureRate { FigureRate(Double(returned), of: Int64(dispatches)) }
}
