import Foundation

/// A rate as a fraction with its numerator and denominator kept, so a report can show both
/// and an empty denominator shows as "no figure" rather than 0% or 100%.
public struct FigureRate: Sendable, Equatable, Codable {
    public let numerator: Double
    public let denominator: Int64

    public init(_ numerator: Double, of denominator: Int64) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// 0...1, or nil when nothing was counted.
    public var value: Double? { denominator > 0 ? numerator / Double(denominator) : nil }

    /// As a percentage with one decimal, or "-".
    public var percent: String {
        guard let value else { return "-" }
        return String(format: "%.1f%%", value * 100)
    }
}
