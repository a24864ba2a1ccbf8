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
    public let overdue: Bool
    /// The caller's department's task on the case (lead or assist), when listing an inbox.
    public let task_role: String?
    public let task_state: String?

    /// The deadline that matters now: response until accepted, then resolution.
    public var nextDue: Date? { accepted_at == nil ? response_due : resolution_due }
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
    public let details: String
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
