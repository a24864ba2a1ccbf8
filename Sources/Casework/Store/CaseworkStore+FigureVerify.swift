import Foundation
public import Postgres

/// What `civicq stats verify` found: the rollups against figures recomputed from the events.
public struct FigureVerification: Sendable {
    public struct Difference: Sendable, Equatable {
        public let key: FigureKey
        public let counter: String
        public let rollup: Int64
        public let recomputed: Int64
    }

    public let period: FigurePeriod
    /// Cases whose events were read again.
    public let casesRead: Int
    /// Unit-days compared.
    public let keysCompared: Int
    public let differences: [Difference]
}

extension CaseworkStore {
    /// Recomputes every figure of `period` from the event log (the cases that can count in it:
    /// received in it or before with an event or a deadline from its first day on) and
    /// compares each unit-day with the rollups. Run the rollup to the end first, or what it has
    /// not taken in yet shows as differences.
    public func verifyFigures(_ period: FigurePeriod, batch: Int = 5_000, on connection: PostgresConnection) throws -> FigureVerification {
        // One snapshot for the whole reading, and a transaction for the case reads to turn
        // JIT off in (``histories(ids:on:)``).
        guard connection.transactionStatus == .idle else { return try recomputeFigures(period, batch: batch, on: connection) }
        return try connection.transaction(isolation: .repeatableRead, readOnly: true) {
            try recomputeFigures(period, batch: batch, on: $0)
        }
    }

    private func recomputeFigures(_ period: FigurePeriod, batch: Int, on connection: PostgresConnection) throws -> FigureVerification {
        let calendar = WorkCalendar(timeZone: try reportingTimeZone(on: connection))
        let start = calendar.start(of: period.first)
        let end = calendar.start(of: period.last.adding(days: 1))
        let ids = try connection.query(
            """
            SELECT id FROM cases WHERE received_at < \(end)
              AND (received_at >= \(start) OR response_due >= \(start) OR resolution_due >= \(start))
            UNION
            SELECT DISTINCT e.case_id FROM case_events e JOIN cases c ON c.id = e.case_id
            WHERE e.at >= \(start) AND c.received_at < \(end)
            """).map { try $0.decode(Int64.self, at: 0) }.sorted()
        var recomputed: [FigureKey: FigureCounts] = [:]
        for chunk in stride(from: 0, to: ids.count, by: batch).map({ Array(ids[$0..<min($0 + batch, ids.count)]) }) {
            for history in try histories(ids: chunk, on: connection) {
                for (key, counts) in CaseFacts.derive(from: history, calendar: calendar).contributions where period.contains(key.day) {
                    recomputed[key, default: FigureCounts()].add(counts)
                }
            }
        }
        let stored = try rollupDays(period, on: connection)
        var differences: [FigureVerification.Difference] = []
        let keys = Set(stored.keys).union(recomputed.keys).sorted()
        for key in keys {
            let (a, b) = (stored[key] ?? FigureCounts(), recomputed[key] ?? FigureCounts())
            guard a != b else { continue }
            for counter in FigureCounter.allCases where a[counter] != b[counter] {
                differences.append(.init(key: key, counter: counter.column, rollup: a[counter], recomputed: b[counter]))
            }
            for (name, x, y) in [("respond_hist", a.respond, b.respond), ("resolve_hist", a.resolve, b.resolve)] where x != y {
                differences.append(.init(key: key, counter: name, rollup: x.total, recomputed: y.total))
            }
        }
        return FigureVerification(period: period, casesRead: ids.count, keysCompared: keys.count, differences: differences)
    }

    /// The rollup rows of the period, unit-day by unit-day, zero rows left out.
    func rollupDays(_ period: FigurePeriod, on connection: PostgresConnection) throws -> [FigureKey: FigureCounts] {
        let columns = FigureCounter.allCases.map(\.column).joined(separator: ", ")
        var result: [FigureKey: FigureCounts] = [:]
        let rows = try connection.query(
            """
            SELECT dim, day::text, key, role, respond_hist, resolve_hist, \(unsafe: columns) FROM figure_rollup
            WHERE day BETWEEN \(period.first.description)::date AND \(period.last.description)::date
            """)
        for row in rows {
            let (dim, day, key, role) = try row.decode((String, String, String, String).self)
            guard let dimension = FigureUnit.Dimension(rawValue: dim), let role = FigureUnit.Role(rawValue: role),
                  let calendarDay = CalendarDay(day) else { continue }
            var counts = try Self.counters(row, at: 6)
            counts.respond = FigureHistogram(counts: try row.decode([Int64].self, at: 4))
            counts.resolve = FigureHistogram(counts: try row.decode([Int64].self, at: 5))
            guard !counts.isZero else { continue }
            result[FigureKey(FigureUnit(dimension, key, role: role), calendarDay)] = counts
        }
        return result
    }
}
