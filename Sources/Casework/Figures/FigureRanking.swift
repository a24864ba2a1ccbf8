/// Departments of one level ranked by composite score: the top N named as leading, the bottom
/// N as lagging (通报). Units whose sample is below `minSample` are listed apart, unranked:
/// a unit with three cases should not be named for one late one.
public struct FigureRanking: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public let row: FigureRow
        public let score: Double?
        /// 1 is best; nil for units too small to rank.
        public let rank: Int?
        public let standing: Standing
    }

    public enum Standing: String, Sendable, Equatable {
        case leading, lagging, middle
        /// Too few cases to rank fairly.
        case smallSample = "small_sample"
    }

    public let level: String
    public let entries: [Entry]

    /// Ranks `rows` (departments of one level). Ties keep the better on-time rate first,
    /// then the code, so the order is stable.
    public init(level: String, rows: [FigureRow], settings: FigureSettings) {
        self.level = level
        let rankable = rows.filter { $0.sample >= settings.minSample && $0.score(settings) != nil }
        let small = rows.filter { !($0.sample >= settings.minSample && $0.score(settings) != nil) }
        let ordered = rankable.sorted { a, b in
            let (sa, sb) = (a.score(settings)!, b.score(settings)!)
            if sa != sb { return sa > sb }
            let (oa, ob) = (a.rates.onTime.value ?? 0, b.rates.onTime.value ?? 0)
            if oa != ob { return oa > ob }
            return a.unit.key < b.unit.key
        }
        // Each group is at most half of those ranked, so they never overlap and a lone unit
        // (or two) is named neither leading nor lagging: "rank 1 of 1 … lagging" says nothing.
        let leading = min(settings.leading, ordered.count / 2)
        let lagging = min(settings.lagging, ordered.count / 2)
        var entries: [Entry] = []
        for (index, row) in ordered.enumerated() {
            let standing: Standing = index < leading ? .leading : (index >= ordered.count - lagging ? .lagging : .middle)
            entries.append(Entry(row: row, score: row.score(settings), rank: index + 1, standing: standing))
        }
        for row in small.sorted(by: { $0.unit.key < $1.unit.key }) {
            entries.append(Entry(row: row, score: row.score(settings), rank: nil, standing: .smallSample))
        }
        self.entries = entries
    }
}
