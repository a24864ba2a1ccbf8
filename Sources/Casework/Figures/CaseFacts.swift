import Foundation

/// What one case contributes to the figures, derived from its events by
/// ``derive(from:calendar:)`` and stored (as JSON) in `case_figures` so the rollup can
/// subtract it when the case changes. `docs/figures.md` is the prose of these rules.
///
/// Days are local days in the reporting time zone. Short coding keys: there is one of these
/// per case.
public struct CaseFacts: Sendable, Equatable, Codable {
    /// A department's event on a day (a lead assignment, a return, a reopen).
    public struct Mark: Sendable, Equatable, Codable {
        public var department: String?
        public var day: CalendarDay
        enum CodingKeys: String, CodingKey { case department = "d", day = "y" }
    }

    /// How a clock ended, or that it ran out with the case still open.
    public enum Outcome: String, Sendable, Equatable, Codable {
        case onTime = "t", late = "l", overdue = "o"
    }

    /// A clock measured: counted on the day it was due, for the department that met or
    /// missed it; `seconds` from intake when it was met (on time or late).
    public struct Measure: Sendable, Equatable, Codable {
        public var department: String?
        public var day: CalendarDay
        public var outcome: Outcome
        public var seconds: Double?
        enum CodingKeys: String, CodingKey { case department = "d", day = "y", outcome = "o", seconds = "s" }
    }

    /// A callback's end: answered (solved? rating) or unanswered.
    public struct Callback: Sendable, Equatable, Codable {
        public var department: String?
        public var day: CalendarDay
        /// nil: unanswered.
        public var solved: Bool?
        public var rating: String?
        enum CodingKeys: String, CodingKey { case department = "d", day = "y", solved = "s", rating = "r" }
    }

    /// An assisting department's task (协办).
    public struct Assist: Sendable, Equatable, Codable {
        public var department: String
        public var assigned: CalendarDay
        public var returned: CalendarDay?
        public var response: Measure?
        public var resolution: Measure?
        enum CodingKeys: String, CodingKey { case department = "d", assigned = "a", returned = "x", response = "p", resolution = "s" }
    }

    public var area: String
    public var category: String
    public var received: CalendarDay
    public var firstDispatch: CalendarDay?
    public var leads: [Mark] = []
    public var returns: [Mark] = []
    public var response: Measure?
    public var resolution: Measure?
    public var callbacks: [Callback] = []
    public var reopens: [Mark] = []
    public var assists: [Assist] = []

    enum CodingKeys: String, CodingKey {
        case area = "ar", category = "ca", received = "rc", firstDispatch = "fd", leads = "ld", returns = "rt"
        case response = "rp", resolution = "rs", callbacks = "cb", reopens = "ro", assists = "as"
    }

    public init(area: String, category: String, received: CalendarDay) {
        self.area = area
        self.category = category
        self.received = received
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        area = try c.decode(String.self, forKey: .area)
        category = try c.decode(String.self, forKey: .category)
        received = try c.decode(CalendarDay.self, forKey: .received)
        firstDispatch = try c.decodeIfPresent(CalendarDay.self, forKey: .firstDispatch)
        leads = try c.decodeIfPresent([Mark].self, forKey: .leads) ?? []
        returns = try c.decodeIfPresent([Mark].self, forKey: .returns) ?? []
        response = try c.decodeIfPresent(Measure.self, forKey: .response)
        resolution = try c.decodeIfPresent(Measure.self, forKey: .resolution)
        callbacks = try c.decodeIfPresent([Callback].self, forKey: .callbacks) ?? []
        reopens = try c.decodeIfPresent([Mark].self, forKey: .reopens) ?? []
        assists = try c.decodeIfPresent([Assist].self, forKey: .assists) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(area, forKey: .area)
        try c.encode(category, forKey: .category)
        try c.encode(received, forKey: .received)
        try c.encodeIfPresent(firstDispatch, forKey: .firstDispatch)
        if !leads.isEmpty { try c.encode(leads, forKey: .leads) }
        if !returns.isEmpty { try c.encode(returns, forKey: .returns) }
        try c.encodeIfPresent(response, forKey: .response)
        try c.encodeIfPresent(resolution, forKey: .resolution)
        if !callbacks.isEmpty { try c.encode(callbacks, forKey: .callbacks) }
        if !reopens.isEmpty { try c.encode(reopens, forKey: .reopens) }
        if !assists.isEmpty { try c.encode(assists, forKey: .assists) }
    }
}
