/// The whole city's line of a figures table: the areas summed, with the lead departments'
/// return rate (an area's line has none: a return is a department's).
public struct CityFigures: Sendable {
    public let row: FigureRow
    public let returns: FigureRate

    public init(row: FigureRow, returns: FigureRate) {
        self.row = row
        self.returns = returns
    }
}
