public import Foundation
public import Postgres

extension CaseworkStore {
    /// The event kinds the figures read (``CaseEventKind/readByFigures``), as SQL binds them.
    static let figureEventKinds = CaseEventKind.readByFigures.map(\.rawValue)

    /// The histories of these cases: attributes and figure events, in log order. Each case's
    /// events are read from the months that can hold them (migration 027's floor, written out
    /// so that PostgreSQL prunes the months per case). Call it inside a transaction, as the
    /// rollup does: JIT compilation is then off for the read.
    public func histories(ids: [Int64], on connection: PostgresConnection) throws -> [CaseHistory] {
        guard !ids.isEmpty else { return [] }
        let list = ids.map { Int($0) }
        var events: [Int64: [FigureEvent]] = [:]
        // Thousands of small index probes, each pruned to its case's months: PostgreSQL's JIT
        // would compile for the plan's summed cost and spend a second on it (measured at 10 M
        // cases: 1.16 s with JIT, 19 ms without). Inside a transaction (the rollup's), off for it.
        if connection.transactionStatus != .idle { try connection.execute("SET LOCAL jit = off") }
        let rows = try connection.query(
            """
            SELECT e.case_id, e.kind, e.at, e.department_code, e.reason, e.details->>'task', e.details->>'clock',
                   (e.details->>'due')::timestamptz, (e.details->>'until')::timestamptz, (e.details->>'solved')::boolean,
                   e.details->>'rating',
                   CASE WHEN jsonb_typeof(e.details->'assists') = 'array'
                        THEN ARRAY(SELECT jsonb_array_elements_text(e.details->'assists')) END,
                   (e.details->>'response_due')::timestamptz, (e.details->>'resolution_due')::timestamptz
            FROM (SELECT c.id, CASE WHEN EXISTS (SELECT 1 FROM history_unbounded u WHERE u.case_id = c.id) THEN '-infinity'::timestamptz
                                    ELSE c.received_at - interval '1 day' END AS floor
                  FROM cases c WHERE c.id = ANY(\(list)) OFFSET 0) f
            JOIN LATERAL (
                SELECT * FROM case_events e WHERE e.case_id = f.id AND e.at >= f.floor AND e.kind = ANY(\(Self.figureEventKinds))
            ) e ON true
            ORDER BY e.case_id, e.id
            """)
        for row in rows {
            var event = FigureEvent(try row.decode(CaseEventKind.self, at: 1), at: try row.decode(Date.self, at: 2),
                                    department: try row.decode(String?.self, at: 3))
            event.reason = try row.decode(String?.self, at: 4)
            event.task = try row.decode(String?.self, at: 5)
            event.clock = try row.decode(String?.self, at: 6)
            event.due = try row.decode(Date?.self, at: 7)
            event.until = try row.decode(Date?.self, at: 8)
            event.solved = try row.decode(Bool?.self, at: 9)
            event.rating = try row.decode(String?.self, at: 10)
            event.assists = try row.decode([String]?.self, at: 11) ?? []
            event.responseDue = try row.decode(Date?.self, at: 12)
            event.resolutionDue = try row.decode(Date?.self, at: 13)
            events[try row.decode(Int64.self, at: 0), default: []].append(event)
        }
        return try connection.query("SELECT id, area_code, category_code, received_at FROM cases WHERE id = ANY(\(list)) ORDER BY id")
            .map { row in
                let (id, area, category, received) = try row.decode((Int64, String, String, Date).self)
                return CaseHistory(caseID: id, area: area, category: category, receivedAt: received, events: events[id] ?? [])
            }
    }

    /// Rolls up to `limit` dirty cases in one transaction: derives their facts anew, adds the
    /// difference from the stored facts to `figure_rollup`, stores the new facts. Returns how
    /// many cases it took (0: the rollups are up to date).
    public func rollUpFigures(limit: Int = 2_000, on connection: PostgresConnection) throws -> Int {
        try connection.transaction { connection in
            let ids = try connection.query(
                """
                DELETE FROM figure_dirty WHERE case_id IN (
                    SELECT case_id FROM figure_dirty ORDER BY case_id LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                RETURNING case_id
                """).map { try $0.decode(Int64.self, at: 0) }
            guard !ids.isEmpty else { return 0 }
            let calendar = WorkCalendar(timeZone: try reportingTimeZone(on: connection))
            var delta: [FigureKey: FigureCounts] = [:]
            for row in try connection.query("SELECT facts FROM case_figures WHERE case_id = ANY(\(ids.map { Int($0) }))") {
                let old = try row.decode(PostgresJSONB.self, at: 0).decode(CaseFacts.self)
                for (key, counts) in old.contributions { delta[key, default: FigureCounts()].add(counts, sign: -1) }
            }
            var stored: [String: CaseFacts] = [:]
            for history in try histories(ids: ids, on: connection) {
                let facts = CaseFacts.derive(from: history, calendar: calendar)
                for (key, counts) in facts.contributions { delta[key, default: FigureCounts()].add(counts) }
                stored[String(history.caseID)] = facts
            }
            let rows = delta.filter { !$0.value.isZero }.sorted { $0.key < $1.key }.map { (key: $0.key, counts: $0.value) }
            if !rows.isEmpty {
                try connection.query("SELECT figure_apply(\(PostgresJSONB(text: RollupDeltas.json(rows))))")
            }
            try connection.query(
                """
                INSERT INTO case_figures (case_id, facts)
                SELECT key::bigint, value FROM jsonb_each(\(try PostgresJSONB(encoding: stored)))
                ON CONFLICT (case_id) DO UPDATE SET facts = excluded.facts, rolled_at = now()
                """)
            return ids.count
        }
    }

    /// Queues the perpetual `figures.rollup` job on the `figures` queue unless it is there
    /// (a worker that works that queue calls this when it starts).
    public func ensureRollupJob(on connection: PostgresConnection) throws {
        try ensurePerpetual(.figuresRollup, on: connection)
    }

    /// Cases whose events the rollups have not taken in yet.
    public func figuresBacklog(on connection: PostgresConnection) throws -> Int {
        try connection.query("SELECT count(*) FROM figure_dirty").scalar(Int.self) ?? 0
    }

    /// Today, as a local day in the reporting time zone.
    public func today(on connection: PostgresConnection) throws -> CalendarDay {
        WorkCalendar(timeZone: try reportingTimeZone(on: connection)).day(of: Date())
    }

    /// A numeric setting (seconds, days, bytes, a count, a probability); nil when it is unset,
    /// null or not a number.
    public func number(setting key: String, on connection: PostgresConnection) throws -> Double? {
        try connection.query("SELECT value #>> '{}' FROM settings WHERE key = \(key)").scalar(String?.self).flatMap { $0 }
            .flatMap(Double.init)
    }

    /// A numeric setting, or `fallback` when it is unset, null or not a number.
    public func number(setting key: String, default fallback: Double, on connection: PostgresConnection) throws -> Double {
        try number(setting: key, on: connection) ?? fallback
    }

    /// The installation's reporting time zone and language, in one read; `language`, when
    /// given, overrides the installation's (a person's `--lang` or locale).
    public func audience(language: Language? = nil, on connection: PostgresConnection) throws -> Audience {
        var values: [String: String] = [:]
        for row in try connection.query(
            "SELECT key, value #>> '{}' FROM settings WHERE key IN ('reporting.time_zone', 'reporting.language')") {
            let (key, value) = try row.decode((String, String?).self)
            values[key] = value
        }
        return Audience(timeZone: Self.timeZone(named: values["reporting.time_zone"]),
                        language: language ?? Self.language(tagged: values["reporting.language"]))
    }

    /// The reporting time zone (`reporting.time_zone`, default Asia/Shanghai).
    public func reportingTimeZone(on connection: PostgresConnection) throws -> TimeZone {
        Self.timeZone(named: try connection.query("SELECT value #>> '{}' FROM settings WHERE key = 'reporting.time_zone'").scalar(String.self))
    }

    static func timeZone(named name: String?) -> TimeZone {
        name.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "Asia/Shanghai")!
    }

    /// The installation's language (`reporting.language`), English when unset.
    static func language(tagged tag: String?) -> Language { tag.flatMap(Language.init(tag:)) ?? .en }
}

/// Deltas for `figure_apply`, written as JSON by hand: one object per unit and day with only
/// the counters that are not zero and only the histograms that are not empty (the function
/// fills the rest with zeros). A batch holds thousands of rows; Foundation's encoder, with
/// every one of the 18 columns spelled out per row, took most of the rollup's time.
enum RollupDeltas {
    static func json(_ rows: [(key: FigureKey, counts: FigureCounts)]) -> String {
        var out = "["
        out.reserveCapacity(rows.count * 120)
        for (index, row) in rows.enumerated() {
            if index > 0 { out += "," }
            out += #"{"dim":"\#(row.key.unit.dimension.rawValue)","day":"\#(row.key.day.description)","key":"#
            appendString(row.key.unit.key, to: &out)
            out += #","role":"\#(row.key.unit.role.rawValue)""#
            for counter in FigureCounter.allCases {
                let value = row.counts[counter]
                if value != 0 { out += #","\#(counter.column)":\#(value)"# }
            }
            if !row.counts.respond.isEmpty { out += #","respond_hist":["# + row.counts.respond.counts.map(String.init).joined(separator: ",") + "]" }
            if !row.counts.resolve.isEmpty { out += #","resolve_hist":["# + row.counts.resolve.counts.map(String.init).joined(separator: ",") + "]" }
            out += "}"
        }
        return out + "]"
    }

    /// A JSON string literal (codes are plain ASCII, but nothing relies on it).
    static func appendString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
