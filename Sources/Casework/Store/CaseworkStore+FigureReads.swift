import Foundation
public import Postgres

/// Which units a figures table has a line for.
public struct FigureQuery: Sendable, Equatable {
    public var period: FigurePeriod
    public var dimension: FigureUnit.Dimension
    /// Departments: only this level (city, district, street, community, grid). Areas: the
    /// level the codes are cut to (district 6 digits, street 9, community 12). Categories:
    /// class (2), middle (4) or minor (6).
    public var level: String?

    public init(period: FigurePeriod, dimension: FigureUnit.Dimension, level: String? = nil) {
        self.period = period
        self.dimension = dimension
        self.level = level
    }

    /// How many leading characters of the key group areas and categories together.
    public var keyLength: Int? {
        switch (dimension, level) {
        case (.area, "district"): 6
        case (.area, "street"): 9
        case (.area, "community"): 12
        case (.category, "class"): 2
        case (.category, "middle"): 4
        case (.category, "minor"): 6
        default: nil
        }
    }

    /// The levels each dimension accepts.
    public static let levels: [FigureUnit.Dimension: [String]] = [
        .department: ["city", "district", "street", "community", "grid"],
        .area: ["district", "street", "community"],
        .category: ["class", "middle", "minor"],
    ]
}

extension CaseworkStore {
    /// The figures settings (`figures.*`), with the documented defaults for any not set.
    public func figureSettings(on connection: PostgresConnection) throws -> FigureSettings {
        var settings = FigureSettings()
        for row in try connection.query("SELECT key, value #>> '{}' FROM settings WHERE key LIKE 'figures.%'") {
            let (key, text) = try row.decode((String, String).self)
            guard let value = Double(text) else { continue }
            switch key {
            case "figures.basic_weight": settings.basicWeight = value
            case "figures.weight_response": settings.responseWeight = value
            case "figures.weight_resolution": settings.resolutionWeight = value
            case "figures.weight_satisfaction": settings.satisfactionWeight = value
            case "figures.weight_ledger": settings.ledgerWeight = value
            case "figures.lagging": settings.lagging = Int(value)
            case "figures.leading": settings.leading = Int(value)
            case "figures.min_sample": settings.minSample = Int64(value)
            default: break
            }
        }
        return settings
    }

    /// A figures table from the rollups: one line per unit with anything counted in the period.
    /// `settings`: the figures settings when the caller has them (else they are read).
    public func figureRows(_ query: FigureQuery, settings: FigureSettings? = nil, on connection: PostgresConnection) throws -> [FigureRow] {
        let counts = try rollupCounts(query, on: connection)
        return try rows(from: counts, query: query, settings: try settings ?? figureSettings(on: connection), on: connection)
    }

    /// The counters of a row, from column `base` on, in `FigureCounter.allCases` order.
    static func counters(_ row: PostgresRow, at base: Int) throws -> FigureCounts {
        var counts = FigureCounts()
        for (index, counter) in FigureCounter.allCases.enumerated() { counts[counter] = try row.decode(Int64.self, at: base + index) }
        return counts
    }

    /// The whole city in the period: every area summed (each case counts in one area), and the
    /// return rate of the lead departments summed (returns are a department's, not an area's).
    public func cityFigures(_ period: FigurePeriod, settings: FigureSettings? = nil, on connection: PostgresConnection) throws -> CityFigures? {
        let areas = try rollupCounts(FigureQuery(period: period, dimension: .area), keyLength: 0, on: connection)
        guard let counts = areas.values.first else { return nil }
        let leads = try rollupCounts(FigureQuery(period: period, dimension: .department), keyLength: 0, on: connection)
        let lead = leads[FigureUnit(.department, "", role: .lead)] ?? FigureCounts()
        let row = FigureRow(unit: FigureUnit(.area, ""), name: nil, counts: counts, settings: try settings ?? figureSettings(on: connection))
        return CityFigures(row: row, returns: FigureRate(Double(lead[.returned]), of: lead[.dispatched]))
    }

    /// The rollups summed over the period, per unit (areas and categories cut to the level, or
    /// to `keyLength` characters: 0 sums every unit of the dimension, per role).
    func rollupCounts(_ query: FigureQuery, keyLength: Int? = nil, on connection: PostgresConnection) throws -> [FigureUnit: FigureCounts] {
        let length = keyLength ?? query.keyLength ?? 64
        let (first, last) = (query.period.first.description, query.period.last.description)
        let dim = query.dimension.rawValue
        let size = FigureHistogram.bounds.count + 1
        // Histograms are summed bucket by bucket with subscripts: no unnest, one pass.
        let sums = (FigureCounter.allCases.map { "sum(\($0.column))::bigint" }
            + (1...size).map { "sum(respond_hist[\($0)])::bigint" } + (1...size).map { "sum(resolve_hist[\($0)])::bigint" })
            .joined(separator: ", ")
        var result: [FigureUnit: FigureCounts] = [:]
        let totals = try connection.query(
            """
            SELECT left(key, \(length)::integer), role, \(unsafe: sums)
            FROM figure_rollup WHERE dim = \(dim) AND day BETWEEN \(first)::date AND \(last)::date
            GROUP BY 1, 2
            """)
        let counters = FigureCounter.allCases.count
        for row in totals {
            let unit = FigureUnit(query.dimension, try row.decode(String.self, at: 0),
                                  role: FigureUnit.Role(rawValue: try row.decode(String.self, at: 1)) ?? .all)
            var counts = try Self.counters(row, at: 2)
            counts.respond = FigureHistogram(counts: try (0..<size).map { try row.decode(Int64?.self, at: 2 + counters + $0) ?? 0 })
            counts.resolve = FigureHistogram(counts: try (0..<size).map { try row.decode(Int64?.self, at: 2 + counters + size + $0) ?? 0 })
            result[unit] = counts
        }
        return result
    }

    /// Lines with names and levels, departments filtered to the level, in key order.
    func rows(from counts: [FigureUnit: FigureCounts], query: FigureQuery, settings: FigureSettings, on connection: PostgresConnection) throws -> [FigureRow] {
        var names: [String: (name: String, level: String?)] = [:]
        switch query.dimension {
        case .department:
            for row in try connection.query("SELECT code, name, level FROM departments") {
                let (code, name, level) = try row.decode((String, String, String).self)
                names[code] = (name, level)
            }
        case .category:
            for (code, name) in try categoryNames(on: connection) { names[code] = (name, nil) }
        case .area:
            for (code, name) in try areaNames(on: connection) { names[code] = (name, nil) }
        }
        return counts.compactMap { unit, counts -> FigureRow? in
            let known = names[unit.key]
            if query.dimension == .department, let level = query.level, known?.level != level { return nil }
            return FigureRow(unit: unit, name: known?.name, level: known?.level, counts: counts, settings: settings)
        }.sorted { $0.unit < $1.unit }
    }
}

extension CaseworkStore {
    /// Lead departments ranked within each level (or only `query.level`), city level first.
    public func rankings(_ query: FigureQuery, settings: FigureSettings, on connection: PostgresConnection) throws -> [FigureRanking] {
        var departments = query
        departments.dimension = .department
        var rows = try figureRows(departments, settings: settings, on: connection).filter { $0.unit.role == .lead && $0.level != nil }
        if settings.ledgerWeight > 0 {
            let ledger = try ledgerReport(query.period, on: connection)
            let rates = Dictionary(uniqueKeysWithValues: ledger.rows.map { ($0.unit, $0.onTimeRate) })
            for index in rows.indices { rows[index].ledger = rates[rows[index].unit.key] }
        }
        let order = FigureQuery.levels[.department] ?? []
        return Dictionary(grouping: rows) { $0.level ?? "" }
            .sorted { (order.firstIndex(of: $0.key) ?? 99) < (order.firstIndex(of: $1.key) ?? 99) }
            .map { FigureRanking(level: $0.key, rows: $0.value, settings: settings) }
    }
}

extension CaseworkStore {
    /// The whole city's counters per day from `first` to `last` (the category units, which
    /// count every case once), for trend charts. Days with nothing counted are absent.
    public func dailyTotals(from first: CalendarDay, to last: CalendarDay, on connection: PostgresConnection) throws -> [CalendarDay: FigureCounts] {
        let sums = FigureCounter.allCases.map { "sum(\($0.column))::bigint" }.joined(separator: ", ")
        var result: [CalendarDay: FigureCounts] = [:]
        for row in try connection.query(
            """
            SELECT day::text, \(unsafe: sums) FROM figure_rollup
            WHERE dim = 'category' AND day BETWEEN \(first.description)::date AND \(last.description)::date
            GROUP BY day
            """)
        {
            guard let day = CalendarDay(try row.decode(String.self, at: 0)) else { continue }
            result[day] = try Self.counters(row, at: 1)
        }
        return result
    }
}
