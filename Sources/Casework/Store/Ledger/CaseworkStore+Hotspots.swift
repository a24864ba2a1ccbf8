public import Foundation
public import Postgres

/// 热点: the scan (perpetual job `hotspots.scan`) and what people read and decide of it.
extension CaseworkStore {
    /// The test as the settings (`hotspots.*`) configure it.
    public func hotspotRule(on connection: PostgresConnection) throws -> HotspotRule {
        let defaults = HotspotRule()
        return HotspotRule(
            baselineDays: Int(try number(setting: "hotspots.baseline_days", default: Double(defaults.baselineDays), on: connection)),
            minCount: Int(try number(setting: "hotspots.min_count", default: Double(defaults.minCount), on: connection)),
            alpha: try number(setting: "hotspots.alpha", default: defaults.alpha, on: connection),
            minimumRate: try number(setting: "hotspots.minimum_rate", default: defaults.minimumRate, on: connection))
    }

    /// One scan: every series (category × street, category × district) counted per local day
    /// over the baseline and today, today and yesterday tested against the days before them
    /// (scaled by the installation's weekday rhythm over the same days);
    /// each hot one recorded (a hot spot seen again gets its new count). Returns how many
    /// series are hot now.
    @discardableResult
    public func scanHotspots(now: Date = Date(), on connection: PostgresConnection) throws -> Int {
        let rule = try hotspotRule(on: connection)
        let timeZone = try reportingTimeZone(on: connection)
        let today = WorkCalendar(timeZone: timeZone).day(of: now)
        let from = today.adding(days: -(rule.baselineDays + 1))
        struct Series: Hashable { var category: String, area: String, level: String }
        var counts: [Series: [Int: Int]] = [:]
        for row in try connection.query(
            "SELECT category_code, area_code, level, day::text, n FROM hotspot_counts(\(from.description)::date, \(timeZone.identifier))")
        {
            let (category, area, level, dayText, n) = try row.decode((String, String, String, String, Int).self)
            guard let day = CalendarDay(dayText) else { continue }
            counts[Series(category: category, area: area, level: level), default: [:]][day.number] = n
        }
        // The weekday rhythm, from the whole installation's complete days (districts cover it).
        var totals: [Int: Int] = [:]
        for (series, days) in counts where series.level == "district" {
            for (day, n) in days where day < today.number { totals[day, default: 0] += n }
        }
        let factors = HotspotRule.weekdayFactors(
            (today.number - rule.baselineDays..<today.number).map { (CalendarDay(number: $0).weekday, totals[$0] ?? 0) })
        var hot: [(Series, CalendarDay, HotspotRule.Verdict)] = []
        for (series, days) in counts {
            for day in [today.adding(days: -1), today] {
                guard let count = days[day.number], count >= rule.minCount else { continue }
                let history = (1...rule.baselineDays).reversed().map { days[day.number - $0] ?? 0 }
                let verdict = rule.evaluate(count: count, history: history, factor: factors[day.weekday] ?? 1)
                if verdict.isHot { hot.append((series, day, verdict)) }
            }
        }
        guard !hot.isEmpty else { return 0 }
        try connection.execute(
            """
            INSERT INTO hotspots AS h (category_code, area_code, level, day, count, expected, p_value)
            SELECT * FROM unnest(\(hot.map(\.0.category)), \(hot.map(\.0.area)), \(hot.map(\.0.level)),
                                 \(hot.map(\.1.description))::date[], \(hot.map(\.2.count)),
                                 \(hot.map { String($0.2.expected) })::float8[], \(hot.map { String($0.2.pValue) })::float8[])
            ON CONFLICT (category_code, area_code, day) DO UPDATE
            SET count = excluded.count, expected = excluded.expected, p_value = excluded.p_value, last_seen = now()
            WHERE h.count <> excluded.count
            """)
        return hot.count
    }

    /// Hot spots, newest day first: open ones, or with `all` dismissed ones too; at most `limit`.
    public func hotspots(all: Bool = false, limit: Int = 100, on connection: PostgresConnection) throws -> [Hotspot] {
        try CaseworkError.translating {
            try connection.query(
                """
                SELECT id, category_code, area_code, level, day::text, count, expected, p_value, first_seen, state FROM hotspots
                WHERE \(all) OR state = 'open'
                ORDER BY day DESC, p_value, id LIMIT \(limit)
                """).map { row in
                    let (id, category, area, level, day, count) = try row.decode((Int64, String, String, String, String, Int).self)
                    return Hotspot(id: id, category: category, area: area, level: level, day: CalendarDay(day) ?? CalendarDay(number: 0),
                                   count: count, expected: try row.decode(Double.self, at: 6), pValue: try row.decode(Double.self, at: 7),
                                   firstSeen: try row.decode(Date.self, at: 8), state: try row.decode(String.self, at: 9))
                }
        }
    }

    /// Sets a hot spot aside with a reason (the office).
    public func dismissHotspot(_ id: Int64, reason: String, on connection: PostgresConnection) throws {
        _ = try CaseworkError.translating { try connection.query("SELECT hotspot_dismiss(\(id), \(reason))") }
    }

    /// Open hot spots per level, for `/metrics`.
    public func openHotspots(on connection: PostgresConnection) throws -> [String: Int] {
        var result = ["street": 0, "district": 0]
        for row in try connection.query("SELECT level, count(*)::int FROM hotspots WHERE state = 'open' GROUP BY level") {
            let (level, n) = try row.decode((String, Int).self)
            result[level] = n
        }
        return result
    }

    /// The perpetual hot-spot scan, on the `figures` queue.
    public func ensureHotspotJob(on connection: PostgresConnection) throws {
        try ensurePerpetual(.hotspotsScan, on: connection)
    }
}
