/// How figures are weighted and ranked (`figures.*` in the settings table).
public struct FigureSettings: Sendable, Equatable {
    /// How much "basically satisfied" counts as satisfied. Default 1.
    public var basicWeight: Double = 1
    /// Composite score weights. Defaults 30 / 35 / 35.
    public var responseWeight: Double = 30
    public var resolutionWeight: Double = 35
    public var satisfactionWeight: Double = 35
    /// The weight of the ledger's on-time rate (``LedgerReport``) in the score. Default 0:
    /// the ledger is left out until the office sets `figures.weight_ledger`.
    public var ledgerWeight: Double = 0
    /// The bottom N of a level are named as lagging (通报), the top N as leading. Default 3.
    public var lagging = 3
    public var leading = 3
    /// A unit with fewer responses due or callbacks answered than this is shown but not
    /// ranked. Default 10.
    public var minSample: Int64 = 10

    public init() {}
}
