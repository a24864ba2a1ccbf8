public import Foundation

/// What the figures read of one case: its fixed attributes and its events in order. The
/// store fills it from `cases` and `case_events`; tests write it by hand.
public struct CaseHistory: Sendable {
    public let caseID: Int64
    public let area: String
    public let category: String
    public let receivedAt: Date
    public let events: [FigureEvent]

    public init(caseID: Int64, area: String, category: String, receivedAt: Date, events: [FigureEvent]) {
        self.caseID = caseID
        self.area = area
        self.category = category
        self.receivedAt = receivedAt
        self.events = events
    }
}

/// One event of the log, with the detail fields the figures use.
public struct FigureEvent: Sendable {
    public let kind: CaseEventKind
    public let at: Date
    /// The department the event is about (`case_events.department_code`).
    public let department: String?
    /// `case_events.reason`: for `closed`, why (satisfied, unanswered, office_ruling, merged).
    public var reason: String?
    /// `accepted`: which task, lead or assist.
    public var task: String?
    /// `escalated`: which clock, and the deadline that passed.
    public var clock: String?
    public var due: Date?
    /// `extension_approved`: the new resolution deadline.
    public var until: Date?
    /// `callback_answered`: the citizen's answer.
    public var solved: Bool?
    public var rating: String?
    /// `dispatched`, `manual_dispatch` and `assigned`: assisting departments.
    public var assists: [String] = []
    /// `dispatched` and `manual_dispatch`: the deadlines set by the first routing.
    public var responseDue: Date?
    public var resolutionDue: Date?

    public init(_ kind: CaseEventKind, at: Date, department: String? = nil) {
        self.kind = kind
        self.at = at
        self.department = department
    }
}
