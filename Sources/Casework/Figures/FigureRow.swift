/// One line of a figures table: a unit's counts over the period and what they make.
public struct FigureRow: Sendable, Equatable {
    public let unit: FigureUnit
    /// The department's or category's name, when known.
    public let name: String?
    /// The department's level (city, district, street, …), for departments.
    public let level: String?
    public let counts: FigureCounts
    public let rates: FigureRates
    /// The unit's ledger on-time rate over the period, when the ranking weighs it.
    public var ledger: FigureRate?

    public init(unit: FigureUnit, name: String? = nil, level: String? = nil, counts: FigureCounts, settings: FigureSettings) {
        self.unit = unit
        self.name = name
        self.level = level
        self.counts = counts
        self.rates = FigureRates(counts, basicWeight: settings.basicWeight)
    }

    /// Percentiles of time from intake to response and to resolution, in seconds.
    public var respondP50: Double? { counts.respond.quantile(0.5) }
    public var respondP90: Double? { counts.respond.quantile(0.9) }
    public var resolveP50: Double? { counts.resolve.quantile(0.5) }
    public var resolveP90: Double? { counts.resolve.quantile(0.9) }

    /// The composite score (0–100) from the response, resolution and satisfaction rates and
    /// their weights; a rate with nothing counted is left out and the weights of the others
    /// are scaled up. nil when none of the three has a figure.
    public func score(_ settings: FigureSettings) -> Double? {
        let parts = [
            (rates.response.value, settings.responseWeight),
            (rates.resolution.value, settings.resolutionWeight),
            (rates.satisfaction.value, settings.satisfactionWeight),
            (settings.ledgerWeight > 0 ? ledger?.value : nil, settings.ledgerWeight),
        ].compactMap { value, weight in value.map { ($0, weight) } }
        let weights = parts.reduce(0) { $0 + $1.1 }
        guard !parts.isEmpty, weights > 0 else { return nil }
        return parts.reduce(0) { $0 + $1.0 * $1.1 } / weights * 100
    }

    /// The smaller of the two samples the score rests on: responses due and callbacks answered.
    public var sample: Int64 { min(rates.response.denominator, rates.resolution.denominator) }
}
