public import Foundation

/// The ledger's report for a period (每旬交账, the month, the quarter), per lead unit.
///
/// The period runs from local midnight of its first day to the end of its last day, or to
/// `now` while it is still running (`end` below). For each unit, of the items it leads:
///
/// - open at the start: created before the start, not closed out by it;
/// - new: created in the period;
/// - closed out on time / late: closed out in the period, by its deadline / after it;
/// - due: its deadline (the end of its due day) fell in the period, up to `end`;
/// - overdue and still open: at `end`, its deadline passed and it is not closed out;
/// - carried over: still open at `end` (open at the start + new − closed out).
///
/// Close-out rate = closed out in the period / (open at the start + new).
/// On-time rate = due items closed out by their deadline / due items.
public struct LedgerReport: Sendable, Equatable, Encodable {
    /// What the report reads of one item.
    public struct Fact: Sendable, Equatable {
        public var lead: String
        public var createdAt: Date
        public var deadline: Date
        public var closedAt: Date?

        public init(lead: String, createdAt: Date, deadline: Date, closedAt: Date?) {
            self.lead = lead
            self.createdAt = createdAt
            self.deadline = deadline
            self.closedAt = closedAt
        }
    }

    /// One unit's line (or the total's).
    public struct Row: Sendable, Equatable, Encodable {
        public var unit: String
        public var name: String?
        public var openAtStart = 0
        public var new = 0
        public var due = 0
        public var dueMet = 0
        public var closedOnTime = 0
        public var closedLate = 0
        public var overdueOpen = 0
        public var carriedOver = 0

        public init(unit: String, name: String? = nil) {
            self.unit = unit
            self.name = name
        }

        public var closedOut: Int { closedOnTime + closedLate }
        public var closeOutRate: FigureRate { FigureRate(Double(closedOut), of: Int64(openAtStart + new)) }
        public var onTimeRate: FigureRate { FigureRate(Double(dueMet), of: Int64(due)) }

        mutating func count(_ fact: Fact, start: Date, end: Date) {
            let openAt = { (instant: Date) in fact.createdAt < instant && (fact.closedAt.map { $0 >= instant } ?? true) }
            if openAt(start) { openAtStart += 1 }
            if fact.createdAt >= start && fact.createdAt < end { new += 1 }
            if let closed = fact.closedAt, closed >= start, closed < end {
                if closed <= fact.deadline { closedOnTime += 1 } else { closedLate += 1 }
            }
            if fact.deadline > start && fact.deadline <= end {
                due += 1
                if let closed = fact.closedAt, closed <= fact.deadline { dueMet += 1 }
            }
            if openAt(end) {
                carriedOver += 1
                if fact.deadline <= end { overdueOpen += 1 }
            }
        }

        mutating func add(_ other: Row) {
            openAtStart += other.openAtStart
            new += other.new
            due += other.due
            dueMet += other.dueMet
            closedOnTime += other.closedOnTime
            closedLate += other.closedLate
            overdueOpen += other.overdueOpen
            carriedOver += other.carriedOver
        }

        enum CodingKeys: String, CodingKey {
            case unit, name, new, due
            case openAtStart = "open_at_start"
            case dueMet = "due_met"
            case closedOnTime = "closed_on_time"
            case closedLate = "closed_late"
            case overdueOpen = "overdue_open"
            case carriedOver = "carried_over"
            case closeOutRate = "close_out_rate"
            case onTimeRate = "on_time_rate"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(unit, forKey: .unit)
            try container.encodeIfPresent(name, forKey: .name)
            for (key, value) in [(CodingKeys.openAtStart, openAtStart), (.new, new), (.due, due), (.dueMet, dueMet),
                                 (.closedOnTime, closedOnTime), (.closedLate, closedLate), (.overdueOpen, overdueOpen),
                                 (.carriedOver, carriedOver)] {
                try container.encode(value, forKey: key)
            }
            try container.encode(closeOutRate, forKey: .closeOutRate)
            try container.encode(onTimeRate, forKey: .onTimeRate)
        }
    }

    /// The period as typed back (`2026-12-1`, `2026-12`, `2026-Q4`).
    public var period: String
    public var start: Date
    /// The end of the period, or the time of the report while the period runs.
    public var end: Date
    /// One row per lead unit with anything to count, by unit code.
    public var rows: [Row]
    public var total: Row

    /// Counts `facts` over `period` (local days in `timeZone`); `names` gives units' names.
    public init(period: FigurePeriod, facts: [Fact], timeZone: TimeZone, now: Date, names: [String: String] = [:]) {
        let calendar = WorkCalendar(timeZone: timeZone)
        let start = calendar.start(of: period.first)
        // Never before the start: a report asked for a period that has not begun counts nothing.
        let end = max(start, min(calendar.start(of: period.last.adding(days: 1)), now))
        var byUnit: [String: Row] = [:]
        for fact in facts {
            byUnit[fact.lead, default: Row(unit: fact.lead, name: names[fact.lead])].count(fact, start: start, end: end)
        }
        let counted = byUnit.values.filter { $0.openAtStart + $0.new + $0.due + $0.closedOut + $0.carriedOver > 0 }
        var total = Row(unit: "total")
        for row in counted { total.add(row) }
        self.period = period.description
        self.start = start
        self.end = end
        self.rows = counted.sorted { $0.unit < $1.unit }
        self.total = total
    }
}
