/// What the office and the operators watch right now: `/metrics`, `civicq top` and the
/// dashboard read it (``CaseworkStore/operations(on:)``). Counts only, no personal data; every
/// label set is bounded (states, clocks, departments).
public struct OperationsSnapshot: Sendable, Equatable {
    /// Cases in each state that is not final (final states only grow; their counts are in
    /// `civicq stats`). States with none are absent.
    public var casesByState: [CaseState: Int] = [:]
    /// Open cases (with a department or the desk, clocks running), by lead department (code;
    /// "none" before routing). Departments with none are absent.
    public var openByDepartment: [String: Int] = [:]
    /// Open cases past a deadline, by lead department (code). Departments with none are absent.
    public var overdueByDepartment: [String: Int] = [:]
    /// Open cases past their response deadline and not yet accepted, and open cases past their
    /// resolution deadline: the escalations (督办) still outstanding.
    public var openEscalations: [Clock: Int] = [:]
    /// Escalation events in the last 24 hours.
    public var escalationsLastDay = 0
    /// Callbacks still to make, and those of them due now.
    public var callbacksPending = 0
    public var callbacksDue = 0
    /// Cases received in the last minute, and since midnight in the reporting time zone.
    public var intakeLastMinute = 0
    public var intakeToday = 0
    /// Cases whose events the figures rollup has not taken in yet.
    public var figuresBacklog = 0
    /// Events not sealed into the log yet, and seconds since the latest signed checkpoint
    /// (nil: none yet, no worker seals).
    public var logUnsealed = 0
    public var logCheckpointAge: Double?
    /// Open hot spots (热点) by level: `street` and `district` (both always present).
    public var hotspotsOpen: [String: Int] = ["street": 0, "district": 0]
    /// Ledger items not closed out: `open`, `requested` (close-out asked) and, of both,
    /// `overdue` (past the deadline); all three always present.
    public var ledgerItems: [String: Int] = ["open": 0, "requested": 0, "overdue": 0]

    /// The two clocks of a case.
    public enum Clock: String, Sendable, CaseIterable {
        case response, resolution
    }

    public init() {}
}
