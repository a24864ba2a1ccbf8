public import Foundation

/// A case as its intake system sees it: its own fields, the state and deadlines, the lead
/// department and the public reply; never the citizen's details or internal notes.
public struct IntakeCaseView: Sendable, Codable, Equatable {
    public let id: Int64
    public let external_id: String
    public let state: CaseState
    public let category: String
    public let area: String
    public let channel: String
    public let priority: String
    public let title: String
    public let description: String
    public let address: String?
    public let latitude: Double?
    public let longitude: Double?
    public let received_at: Date
    public let dispatched_at: Date?
    public let accepted_at: Date?
    public let resolved_at: Date?
    public let closed_at: Date?
    public let updated_at: Date
    public let response_due: Date?
    public let resolution_due: Date?
    public let response_overdue: Bool
    public let resolution_overdue: Bool
    public let department: DepartmentRef?
    public let reply: String?

    /// A department by code and name.
    public struct DepartmentRef: Sendable, Codable, Equatable {
        public let code: String
        public let name: String
    }
}

/// One public event in a case's history, for the intake system and the citizen.
public struct PublicCaseEvent: Sendable, Codable, Equatable {
    public let at: Date
    public let kind: String
    public let state: CaseState?
    public let department: IntakeCaseView.DepartmentRef?
    /// The public text of the event (a reply, a public note, the reason for a withdrawal).
    public let text: String?
}

/// Which of an intake system's cases to list.
public struct IntakeCaseFilter: Sendable, Equatable {
    public var states: [CaseState] = []
    public var externalID: String?
    public var updatedSince: Date?
    /// Cases with a larger id than this (the cursor of the previous page).
    public var after: Int64?
    public var limit: Int = 50

    public init(states: [CaseState] = [], externalID: String? = nil, updatedSince: Date? = nil, after: Int64? = nil, limit: Int = 50) {
        self.states = states
        self.externalID = externalID
        self.updatedSince = updatedSince
        self.after = after
        self.limit = limit
    }
}
