/// The optional dispatch by the model (`dispatch.auto_threshold`, off by default): a case no
/// rule, backstop or earlier return decided — one the rules would send to the desk — goes to
/// the model's first choice among the active units that have not returned it, when that
/// choice's probability is at least the threshold. A case returned as often as the limit
/// still goes to the desk: a person rules on it. Pure; built once per model and setting.
public struct ModelDispatcher: Sendable {
    public let version: Int
    public let model: DispatchModel
    public let threshold: Double

    public init(version: Int, model: DispatchModel, threshold: Double) {
        self.version = version
        self.model = model
        self.threshold = threshold
    }

    /// What the event of a model's dispatch records (`case_events.details`, migration 031).
    public struct Note: Sendable, Hashable, Codable {
        public var source = "model"
        public var model: Int
        public var probability: Double
    }

    /// The model's decision for `input` where the rules decided `decision`, or nil when the
    /// rules' decision stands: only units in `active` (the active departments) are chosen.
    public func decide(
        _ input: RoutingInput, after decision: RoutingDecision, maxReturns: Int, active: Set<String>
    ) -> (RoutingDecision, Note)? {
        guard decision.outcome == .manualDispatch, input.returns < maxReturns else { return nil }
        guard let first = model.firstChoice(input, among: active), first.probability >= threshold else { return nil }
        let percent = (first.probability * 1000).rounded() / 10
        let routed = RoutingDecision(
            outcome: .dispatched(lead: first.unit, assists: []), ruleID: nil, priority: nil, policy: decision.policy,
            reason: "no rule matched; dispatch model \(version) put \(first.unit) first at \(percent) %")
        return (routed, Note(model: version, probability: first.probability))
    }
}

extension ModelDispatcher {
    /// ``decide(_:after:maxReturns:active:)`` with the router's return limit and the active
    /// departments of `context`.
    public func decide(_ input: RoutingInput, after decision: RoutingDecision, context: CaseworkStore.Context) -> (RoutingDecision, Note)? {
        decide(input, after: decision, maxReturns: context.router.maxReturns, active: context.activeDepartments)
    }
}
