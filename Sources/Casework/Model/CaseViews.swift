public import Foundation

/// A case in a list (an inbox, the desk, escalations). Stable `--json` field names.
public struct CaseSummary: Sendable, Codable, Equatable {
    public let id: Int64
    public let state: CaseState
    public let category: String
    public let area: String
    public let title: String
    public let priority: String
    public let lead_department: String?
    public let received_at: Date
    public let response_due: Date?
    public let resolution_due: Date?
    public let accepted_at: Date?
    /// Either clock missed.
    public let overdue: Bool
    /// The response clock missed: not accepted by `response_due` (also once accepted late).
    public let response_overdue: Bool
    /// The resolution clock missed: not resolved by `resolution_due`.
    public let resolution_overdue: Bool
    /// The caller's department's task on the case (lead or assist), when listing an inbox.
    public let task_role: String?
    public let task_state: String?

    /// The deadline that matters now: response until accepted, then resolution.
    public var nextDue: Date? { accepted_at == nil ? response_due : resolution_due }

    public init(
        id: Int64, state: CaseState, category: String, area: String, title: String, priority: String, lead_department: String?,
        received_at: Date, response_due: Date?, resolution_due: Date?, accepted_at: Date?, response_overdue: Bool,
        resolution_overdue: Bool, task_role: String?, task_state: String?
    ) {
        self.id = id
        self.state = state
        self.category = category
        self.area = area
        self.title = title
        self.priority = priority
        self.lead_department = lead_department
        self.received_at = received_at
        self.response_due = response_due
        self.resolution_due = resolution_due
        self.accepted_at = accepted_at
        self.overdue = response_overdue || resolution_overdue
        self.response_overdue = response_overdue
        self.resolution_overdue = resolution_overdue
        self.task_role = task_role
        self.task_state = task_state
    }
}

/// One department's task on a case.
public struct CaseTask: Sendable, Codable, Equatable {
    public let department: String
    public let role: String
    public let state: String
    public let final: Bool
    public let assigned_at: Date
    public let accepted_at: Date?
    public let finished_at: Date?
}

/// Everything about one case a person may see.
public struct CaseDetail: Sendable, Codable, Equatable {
    public let summary: CaseSummary
    public let source: String
    public let external_id: String
    public let channel: String
    public let description: String
    public let address: String?
    public let citizen_name: String
    public let citizen_phone: String
    public let contact_revealed: Bool
    public let rule_id: String?
    public let rule_version: Int?
    public let return_count: Int
    public let reopen_count: Int
    public let merged_into: Int64?
    public let close_reason: String?
    public let reply: String?
    public let tasks: [CaseTask]
}

/// One entry of a case's event log.
public struct CaseEvent: Sendable, Codable, Equatable {
    public let id: Int64
    public let at: Date
    public let actor: String
    public let kind: String
    public let from_state: CaseState?
    public let to_state: CaseState?
    public let department: String?
    public let reason: String?
    public let `public`: Bool
    /// The event's details, a JSON object as text; `--json` and the API carry it as an object.
    public let details: String

    enum CodingKeys: String, CodingKey {
        case id, at, actor, kind, from_state, to_state, department, reason, `public`, details
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(at, forKey: .at)
        try container.encode(actor, forKey: .actor)
        try container.encode(kind, forKey: .kind)
        try container.encodeIfPresent(from_state, forKey: .from_state)
        try container.encodeIfPresent(to_state, forKey: .to_state)
        try container.encodeIfPresent(department, forKey: .department)
        try container.encodeIfPresent(reason, forKey: .reason)
        try container.encode(`public`, forKey: .public)
        try container.encode((try? JSONValue.parse(Data(details.utf8))) ?? .object([:]), forKey: .details)
    }
}

/// An escalation (督办) for supervisors.
public struct Escalation: Sendable, Codable, Equatable {
    public let case_id: Int64
    public let at: Date
    public let clock: String
    public let due: Date?
    public let department: String?
    public let state: CaseState
    public let title: String
}

/// An extension request (延期).
public struct ExtensionRequest: Sendable, Codable, Equatable {
    public let id: Int64
    public let case_id: Int64
    public let department: String
    public let requested_by: String
    public let requested_at: Date
    public let previous_due: Date
    public let until: Date
    public let reason: String
    public let state: String
}
