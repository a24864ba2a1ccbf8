import Foundation
public import Postgres

/// The casework SQL for one schema. Like `JobStore`, every method runs on a connection the
/// caller holds, so several compose into one transaction.
///
/// `Sendable`: immutable.
public struct CaseworkStore: Sendable {
    public let schema: String

    public init(schema: String = "civicq") {
        self.schema = schema
    }

    /// Everything routing and the clocks need, loaded in one go.
    public struct Context: Sendable {
        public let router: Router
        public let calendar: WorkCalendar
        public let policies: [String: ClockPolicy]
        /// 并单: the scorer, and whether routing merges exact repeats (`duplicates.auto_merge`).
        public let duplicates: DuplicateScorer
        public let autoMerge: Bool
        /// 智能派单: the probability at or above which a case no rule matched goes to the
        /// dispatch model's first choice (`dispatch.auto_threshold`); nil: never.
        public var autoDispatchThreshold: Double? = nil
        /// The active departments (the only ones a model's dispatch may choose).
        public var activeDepartments: Set<String> = []
        public let loadedAt: ContinuousClock.Instant

        /// The policy by name, falling back to `ordinary` for a name no longer defined.
        public func policy(named name: String) -> ClockPolicy {
            CaseworkStore.policy(named: name, in: policies)
        }
    }

    /// Loads the newest rule set, backstops, category policies, clock policies, calendar,
    /// duplicate settings and the auto-dispatch threshold (not the dispatch model itself).
    public func loadContext(on connection: PostgresConnection) throws -> Context {
        let ruleRow = try connection.query("SELECT version, rules FROM route_sets ORDER BY version DESC LIMIT 1")
        var version: Int?
        var rules: [RoutingRule] = []
        if let row = ruleRow.first {
            let (number, json) = try row.decode((Int, PostgresJSONB).self)
            version = number
            rules = try json.decode([RoutingRule].self)
        }
        var backstops: [String: String] = [:]
        var active: Set<String> = []
        for row in try connection.query("SELECT backstop_area, code FROM departments WHERE active") {
            let (area, code) = try row.decode((String?, String).self)
            active.insert(code)
            if let area { backstops[area] = code }
        }
        var categoryPolicies: [String: String] = [:]
        for row in try connection.query("SELECT code, policy FROM categories") {
            let (code, policy) = try row.decode((String, String).self)
            categoryPolicies[code] = policy
        }
        let policies = try loadPolicies(on: connection)
        let maxReturns = try connection.query("SELECT value::text::integer FROM settings WHERE key = 'routing.max_returns'").scalar(Int.self) ?? 2
        let router = Router(version: version, rules: rules, backstops: backstops, categoryPolicies: categoryPolicies, maxReturns: maxReturns)
        let (duplicates, autoMerge) = try duplicateSettings(on: connection)
        return Context(router: router, calendar: try loadCalendar(on: connection), policies: policies, duplicates: duplicates,
                       autoMerge: autoMerge, autoDispatchThreshold: try autoDispatchThreshold(on: connection), activeDepartments: active,
                       loadedAt: .now)
    }

    /// The clock policies by name.
    public func loadPolicies(on connection: PostgresConnection) throws -> [String: ClockPolicy] {
        var policies: [String: ClockPolicy] = [:]
        for row in try connection.query(
            "SELECT name, response_amount, response_unit, resolution_amount, resolution_unit FROM clock_policies")
        {
            let (name, responseAmount, responseUnit, resolutionAmount, resolutionUnit) = try row.decode((String, Int, String, Int, String).self)
            policies[name] = ClockPolicy(
                name: name,
                response: ClockAllowance(amount: responseAmount, unit: ClockAllowance.Unit(rawValue: responseUnit) ?? .hours),
                resolution: ClockAllowance(amount: resolutionAmount, unit: ClockAllowance.Unit(rawValue: resolutionUnit) ?? .days))
        }
        return policies
    }

    /// The policy by name, falling back to `ordinary` (stored, else the built-in default) for a
    /// name no longer defined.
    public static func policy(named name: String, in policies: [String: ClockPolicy]) -> ClockPolicy {
        policies[name] ?? policies["ordinary"] ?? ClockPolicy.defaults.first { $0.name == "ordinary" }!
    }

    /// The working-day calendar, in the installation's reporting time zone.
    public func loadCalendar(on connection: PostgresConnection) throws -> WorkCalendar {
        let timeZone = try reportingTimeZone(on: connection)
        var holidays = Set<CalendarDay>()
        var workdays = Set<CalendarDay>()
        for row in try connection.query("SELECT day::text, kind FROM calendar_days") {
            let (text, kind) = try row.decode((String, String).self)
            guard let day = CalendarDay(text) else { continue }
            if kind == "holiday" { holidays.insert(day) } else { workdays.insert(day) }
        }
        return WorkCalendar(timeZone: timeZone, holidays: holidays, workdays: workdays)
    }

    /// The newest rule-set version, or nil before the first import.
    public func currentRuleVersion(on connection: PostgresConnection) throws -> Int? {
        try connection.query("SELECT max(version) FROM route_sets").scalar(Int?.self) ?? nil
    }
}

extension CaseworkStore {
    /// Enqueues a perpetual job (its kind is its unique key) unless one is live, through
    /// `casework_enqueue` (migration 020), which takes its queue from the contract.
    func ensurePerpetual(_ kind: CaseworkJobKind, on connection: PostgresConnection) throws {
        try connection.execute("SELECT casework_enqueue(\(kind.rawValue), '{}', now(), \(kind.rawValue))")
    }
}
