public import Foundation
public import Postgres

/// A history for the dispatch model to learn from, written straight into `cases` by the
/// schema's owner or service: `count` cases resolved by `unit`, each with one of `titles`
/// (category 990101, no rule matches it), received `spacing` minutes apart from `start`.
public struct FinishedCases: Sendable {
    public var unit: String
    public var titles: [String]
    public var count: Int
    public var start: Date
    public var spacing: Double

    public init(unit: String, titles: [String], count: Int, start: Date, spacing: Double) {
        self.unit = unit
        self.titles = titles
        self.count = count
        self.start = start
        self.spacing = spacing
    }

    /// Water, noise and trees: three units with their own words, 500 cases each, 30 minutes
    /// apart from `start` (ten and a half days).
    public static func threeUnits(from start: Date) -> [FinishedCases] {
        [
            FinishedCases(unit: "water", titles: ["水管漏水", "家里停水", "自来水发黄", "水压太低"], count: 500, start: start, spacing: 30),
            FinishedCases(unit: "env", titles: ["夜间噪音扰民", "工地施工噪声", "广场舞音响太吵"], count: 500, start: start, spacing: 30),
            FinishedCases(unit: "garden", titles: ["树木倒伏", "绿地无人养护", "树枝挡路"], count: 500, start: start, spacing: 30),
        ]
    }

    /// The statement that writes them.
    public var insert: PostgresQuery {
        """
        INSERT INTO cases (source, external_id, category_code, area_code, title, description, state, lead_department,
                           received_at, dispatched_at, accepted_at, resolved_at)
        SELECT 'history', \(unit) || '-' || extract(epoch FROM x.r)::bigint || '-' || g, '990101', '420102001',
               t.titles[1 + g % t.n], '小区门口' || t.titles[1 + (g / 3) % t.n] || '，请尽快处理', 'resolved', \(unit),
               x.r, x.r + interval '10 minutes', x.r + interval '20 minutes', x.r + interval '1 hour'
        FROM (SELECT \(titles)::text[] AS titles, cardinality(\(titles)::text[]) AS n) t,
             generate_series(0, \(count - 1)) g,
             LATERAL (SELECT \(start)::timestamptz + g * \(spacing) * interval '1 minute' AS r) x
        """
    }
}
