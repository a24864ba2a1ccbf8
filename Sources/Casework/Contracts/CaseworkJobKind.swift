public import JobQueue
import Postgres

/// The jobs civicq enqueues: each kind with its queue and the keys of its payload.
///
/// The database holds the same contract (`casework_jobs()`, migration 020): the casework SQL
/// enqueues through `casework_job()`, which takes the queue from it and refuses another kind
/// or payload key; `ContractTests` checks that the two agree.
public enum CaseworkJobKind: String, Sendable, CaseIterable, Codable {
    /// Route a new or returned case (``RouteJobHandler``).
    case route = "case.route"
    /// A warning or a deadline of a case's clock.
    case clock = "case.clock"
    /// A reopened case gets a new resolution deadline.
    case reclock = "case.reclock"
    /// The callback window ended.
    case callbackExpire = "callback.expire"
    /// A signed POST to a department's webhook.
    case webhook = "department.webhook"
    /// The perpetual figures rollup.
    case figuresRollup = "figures.rollup"
    /// The perpetual event-log sealer.
    case logSeal = "log.seal"
    /// The perpetual hot-spot scan (热点).
    case hotspotsScan = "hotspots.scan"
    /// A ledger item's deadline (台账 督办).
    case ledgerClock = "ledger.clock"
    /// The perpetual upkeep of the history's monthly partitions (migration 026).
    case historyPartitions = "history.partitions"
    /// The perpetual learning of the dispatch model, and its weekly check (migration 031).
    case dispatchLearn = "dispatch.learn"

    public var queue: CaseworkQueue {
        switch self {
        case .route: .routing
        case .clock, .reclock, .callbackExpire, .ledgerClock: .clocks
        case .webhook: .webhooks
        case .figuresRollup, .hotspotsScan, .historyPartitions, .dispatchLearn: .figures
        case .logSeal: .log
        }
    }

    /// The keys of the payload, those of the type its handler decodes.
    public var payloadKeys: Set<String> {
        switch self {
        case .route, .reclock, .callbackExpire: Set(CasePayload.CodingKeys.allCases.map(\.rawValue))
        case .clock: Set(ClockPayload.CodingKeys.allCases.map(\.rawValue))
        case .webhook: Set(WebhookPayload.CodingKeys.allCases.map(\.rawValue))
        case .ledgerClock: Set(LedgerItemPayload.CodingKeys.allCases.map(\.rawValue))
        case .figuresRollup, .logSeal, .hotspotsScan, .historyPartitions, .dispatchLearn: []
        }
    }

    /// Attempts before a job is dead: webhooks give up sooner than the queue's default.
    public var maxAttempts: Int { self == .webhook ? 12 : 20 }
}

/// The payload of the jobs about one case: `{"case": id}`.
public struct CasePayload: Codable, Sendable, Equatable {
    public let `case`: Int64
    public init(case id: Int64) { self.case = id }
    enum CodingKeys: String, CodingKey, CaseIterable { case `case` }

    /// The payload of a claimed job. The server prints a `jsonb` object in one form
    /// (`{"case": 123}`), read here directly; any other text goes through `JSONDecoder`
    /// (about 2 µs a job of a routing worker's CPU in a profile, issue 19).
    public init(_ job: Job) throws {
        let prefix = #"{"case": "#.utf8
        let text = job.payload.text.utf8
        if text.starts(with: prefix), text.last == UInt8(ascii: "}") {
            let digits = text.dropFirst(prefix.count).dropLast()
            if !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                self.init(case: digits.reduce(0) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) })
                return
            }
        }
        self = try job.decodePayload(CasePayload.self)
    }
}

/// The payload of `ledger.clock`: `{"item": id}`.
public struct LedgerItemPayload: Codable, Sendable, Equatable {
    public let item: Int64
    public init(item: Int64) { self.item = item }
    enum CodingKeys: String, CodingKey, CaseIterable { case item }
}

/// The payload of `case.clock`: which clock, which stage, and the deadline it was set for.
public struct ClockPayload: Codable, Sendable, Equatable {
    public let `case`: Int64
    /// `response` or `resolution`.
    public let clock: String
    /// `warn` or `due`.
    public let stage: String
    /// The deadline, as the database wrote it (ISO 8601, UTC).
    public let due: String
    /// The case's other clock, which this job schedules when it fires: set on the one clock
    /// job routing enqueues at a case's first dispatch (migration 030), absent on the others.
    public let then: Follow?
    enum CodingKeys: String, CodingKey, CaseIterable { case `case`, clock, stage, due, then }

    /// A clock to schedule next: its name and deadline (as the database wrote it).
    public struct Follow: Codable, Sendable, Equatable {
        public let clock: String
        public let due: String
    }

    /// The clocks a clock job may name.
    static let clocks: Set<String> = ["response", "resolution"]

    /// Whether the payload names known clocks and stages, and a follow-on clock other than its own.
    var isWellFormed: Bool {
        Self.clocks.contains(clock) && ["warn", "due"].contains(stage)
            && then.map { Self.clocks.contains($0.clock) && $0.clock != clock } ?? true
    }
}

/// The payload of `department.webhook`: the department, and the body to POST as it is (an
/// object the handler signs byte for byte, so it is read with `JSONSerialization`, not decoded).
public enum WebhookPayload {
    enum CodingKeys: String, CodingKey, CaseIterable { case department, body }
}
