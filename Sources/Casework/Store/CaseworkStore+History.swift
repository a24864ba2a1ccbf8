public import Postgres

/// The event history's monthly partitions (migration 026): made ahead by the worker, listed,
/// and old months archived by the owner.
extension CaseworkStore {
    /// Enqueues the perpetual `history.partitions` job unless one is live.
    public func ensureHistoryJob(on connection: PostgresConnection) throws {
        try ensurePerpetual(.historyPartitions, on: connection)
    }

    /// Makes the partitions of this month and of `history.months_ahead` months ahead that are
    /// missing; returns how many it made.
    @discardableResult
    public func ensureHistoryPartitions(on connection: PostgresConnection) throws -> Int {
        try connection.query("SELECT history_partitions_ensure()").scalar(Int.self) ?? 0
    }

    /// Every month of the history, the default partition first, then oldest first.
    public func historyMonths(on connection: PostgresConnection) throws -> [HistoryMonth] {
        try connection.query("SELECT to_char(month, 'YYYY-MM'), place, events, bytes FROM history_months()").map { row in
            let (month, place, events, bytes) = try row.decode((String?, String, Int64, Int64).self)
            return HistoryMonth(month: month, place: HistoryMonth.Place(rawValue: place) ?? .live, events: events, bytes: bytes)
        }
    }

    /// Archives month `month` (`YYYY-MM`): detached from `case_events` into
    /// `case_events_archived`. Runs as the schema's owner (`SET LOCAL ROLE`, which the login
    /// that runs `civicq migrate` may do), in a transaction of its own. Returns its events.
    /// Refused (``CaseworkError``, wrong state) for a month within `history.keep_months`, with
    /// a case still open or active in the kept months, or with events not yet sealed.
    public func archiveHistoryMonth(_ month: String, on connection: PostgresConnection) throws -> Int64 {
        guard let period = try? FigurePeriod(parsing: month), period.kind == .month else {
            throw CaseworkError(.badInput, "give the month as YYYY-MM, e.g. 2024-01")
        }
        let first = period.first.description
        return try CaseworkError.translating {
            try connection.transaction { connection in
                try connection.execute("SET LOCAL ROLE \(identifier: schema + "_owner")")
                return try connection.query("SELECT history_detach(\(first)::date)").scalar(Int64.self) ?? 0
            }
        }
    }
}
