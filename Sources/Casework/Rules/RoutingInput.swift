/// What routing looks at in a case.
public struct RoutingInput: Sendable, Hashable {
    public var category: String
    public var area: String
    public var channel: String
    public var title: String
    public var description: String
    /// Departments that returned the case: never chosen again.
    public var excluded: Set<String>
    /// How often the case has been returned.
    public var returns: Int

    public init(
        category: String, area: String, channel: String = "phone", title: String, description: String,
        excluded: Set<String> = [], returns: Int = 0
    ) {
        self.category = category
        self.area = area
        self.channel = channel
        self.title = title
        self.description = description
        self.excluded = excluded
        self.returns = returns
    }
}

/// Where routing sent a case, and why.
public struct RoutingDecision: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        /// To a lead department (and assisting ones).
        case dispatched(lead: String, assists: [String])
        /// To the manual dispatch desk.
        case manualDispatch
    }

    public var outcome: Outcome
    /// The rule that matched; nil for the backstop and the desk.
    public var ruleID: String?
    public var priority: String?
    /// The clock policy the deadlines come from.
    public var policy: String
    /// One sentence: why it went there.
    public var reason: String

    public var lead: String? {
        if case .dispatched(let lead, _) = outcome { return lead }
        return nil
    }

    public var assists: [String] {
        if case .dispatched(_, let assists) = outcome { return assists }
        return []
    }
}
