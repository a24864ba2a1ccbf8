/// Routes cases: the rules in order (first match wins), else the area's backstop department,
/// else the manual dispatch desk. Departments that returned the case are skipped, and a case
/// returned `maxReturns` times goes to the desk.
///
/// Pure and `Sendable`: built once per rule-set version, used by any number of tasks.
public struct Router: Sendable {
    public let version: Int?
    public let rules: [RoutingRule]
    /// Area prefix → backstop department (兜底单位).
    public let backstops: [String: String]
    /// Category code → its clock policy (the longest prefix with an entry applies).
    public let categoryPolicies: [String: String]
    public let maxReturns: Int
    public let defaultPolicy: String

    private let compiled: [CompiledRule]
    /// Two-digit category class → the rules that can match it, in order; plus those that
    /// match any category.
    private let byClass: [Substring: [Int]]
    private let anyCategory: [Int]

    public init(
        version: Int?, rules: [RoutingRule], backstops: [String: String] = [:], categoryPolicies: [String: String] = [:],
        maxReturns: Int = 2, defaultPolicy: String = "ordinary"
    ) {
        self.version = version
        self.rules = rules
        self.backstops = backstops
        self.categoryPolicies = categoryPolicies
        self.maxReturns = maxReturns
        self.defaultPolicy = defaultPolicy
        compiled = rules.map(CompiledRule.init)
        var byClass: [Substring: [Int]] = [:]
        var anyCategory: [Int] = []
        for (index, rule) in rules.enumerated() {
            if rule.when.category.isEmpty || rule.when.category.contains(where: { $0.count < 2 }) {
                anyCategory.append(index)
            } else {
                for prefix in Set(rule.when.category.map { $0.prefix(2) }) { byClass[prefix, default: []].append(index) }
            }
        }
        self.byClass = byClass
        self.anyCategory = anyCategory
    }

    /// Where `input` goes.
    public func route(_ input: RoutingInput) -> RoutingDecision {
        let policy = policy(forCategory: input.category)
        if input.returns >= maxReturns {
            return RoutingDecision(
                outcome: .manualDispatch, ruleID: nil, priority: nil, policy: policy,
                reason: "returned \(input.returns) times (limit \(maxReturns)): to the dispatch desk")
        }
        let text = MatchText(input)
        var skipped: [String] = []
        for index in candidates(forCategory: input.category) {
            let rule = compiled[index]
            guard rule.failedCondition(on: input, text: text) == nil else { continue }
            if input.excluded.contains(rule.rule.then.lead) {
                skipped.append(rule.rule.id)
                continue
            }
            let assists = rule.rule.then.assist.filter { !input.excluded.contains($0) && $0 != rule.rule.then.lead }
            let note = skipped.isEmpty ? "" : " (skipped \(skipped.joined(separator: ", ")): their lead returned the case)"
            return RoutingDecision(
                outcome: .dispatched(lead: rule.rule.then.lead, assists: assists), ruleID: rule.rule.id,
                priority: rule.rule.then.priority, policy: rule.rule.then.policy ?? policy,
                reason: "rule \(rule.rule.id) matched\(note)")
        }
        if let (prefix, backstop) = backstop(forArea: input.area), !input.excluded.contains(backstop) {
            return RoutingDecision(
                outcome: .dispatched(lead: backstop, assists: []), ruleID: nil, priority: nil, policy: policy,
                reason: "no rule matched; backstop department of area \(prefix)")
        }
        return RoutingDecision(
            outcome: .manualDispatch, ruleID: nil, priority: nil, policy: policy,
            reason: "no rule matched and no backstop department for area \(input.area): to the dispatch desk")
    }

    /// Every rule in order with the first condition it failed, or nil where it matched.
    public func trace(_ input: RoutingInput) -> [(rule: RoutingRule, failure: String?)] {
        let text = MatchText(input)
        return compiled.map { ($0.rule, $0.failure(on: input, text: text)) }
    }

    /// The clock policy of a category: its own, else its nearest parent's, else the default.
    public func policy(forCategory code: String) -> String {
        var prefix = Substring(code)
        while !prefix.isEmpty {
            if let policy = categoryPolicies[String(prefix)] { return policy }
            prefix = prefix.dropLast(2)
        }
        return defaultPolicy
    }

    private func backstop(forArea area: String) -> (String, String)? {
        var prefix = Substring(area)
        while !prefix.isEmpty {
            if let department = backstops[String(prefix)] { return (String(prefix), department) }
            prefix = prefix.dropLast()
        }
        return nil
    }

    private func candidates(forCategory code: String) -> [Int] {
        let specific = byClass[code.prefix(2)] ?? []
        if specific.isEmpty { return anyCategory }
        if anyCategory.isEmpty { return specific }
        return (specific + anyCategory).sorted()
    }
}

/// A rule with its keywords as bytes.
private struct CompiledRule: Sendable {
    let rule: RoutingRule
    let keywords: [[UInt8]]

    init(_ rule: RoutingRule) {
        self.rule = rule
        keywords = rule.when.keywords.map { Array($0.utf8).map(asciiLowercased) }.filter { !$0.isEmpty }
    }

    /// The conditions of a rule, cheapest first.
    enum Condition { case channel, category, area, keywords }

    /// The first condition the rule fails, or nil when it matches: what routing asks of each
    /// candidate, without the sentence (`failure`, for `trace`). Built for every rule passed
    /// over, the sentences took about a quarter of a routing worker's CPU (1.1 → 0.8 s over
    /// 100,000 cases without them, issue 19).
    func failedCondition(on input: RoutingInput, text: MatchText) -> Condition? {
        let when = rule.when
        if !when.channel.isEmpty, !when.channel.contains(input.channel) { return .channel }
        if !when.category.isEmpty, !when.category.contains(where: { input.category.hasPrefix($0) }) { return .category }
        if !when.area.isEmpty, !when.area.contains(where: { input.area.hasPrefix($0) }) { return .area }
        if !keywords.isEmpty, !keywords.contains(where: text.contains) { return .keywords }
        return nil
    }

    /// Why the rule does not match, or nil when it does.
    func failure(on input: RoutingInput, text: MatchText) -> String? {
        let when = rule.when
        switch failedCondition(on: input, text: text) {
        case nil: return nil
        case .channel: return "channel \(input.channel) is not \(when.channel.joined(separator: " or "))"
        case .category: return "category \(input.category) does not start with \(when.category.joined(separator: " or "))"
        case .area: return "area \(input.area) does not start with \(when.area.joined(separator: " or "))"
        case .keywords: return "none of the keywords \(when.keywords.joined(separator: ", ")) is in the title or description"
        }
    }
}

/// Title and description as UTF-8 bytes, ASCII letters lowercased, separated by a byte that
/// occurs in no keyword. UTF-8 is self-synchronising, so a byte match is a character match.
struct MatchText {
    let bytes: [UInt8]

    init(_ input: RoutingInput) {
        var bytes = [UInt8]()
        bytes.reserveCapacity(input.title.utf8.count + input.description.utf8.count + 1)
        bytes.append(contentsOf: input.title.utf8.lazy.map(asciiLowercased))
        bytes.append(0)
        bytes.append(contentsOf: input.description.utf8.lazy.map(asciiLowercased))
        self.bytes = bytes
    }

    func contains(_ needle: [UInt8]) -> Bool {
        let count = needle.count
        guard count > 0, count <= bytes.count else { return false }
        return bytes.withUnsafeBufferPointer { haystack in
            needle.withUnsafeBufferPointer { needle in
                let first = needle[0]
                var index = 0
                let last = haystack.count - count
                while index <= last {
                    if haystack[index] == first {
                        var offset = 1
                        while offset < count, haystack[index + offset] == needle[offset] { offset += 1 }
                        if offset == count { return true }
                    }
                    index += 1
                }
                return false
            }
        }
    }
}

@inline(__always)
private func asciiLowercased(_ byte: UInt8) -> UInt8 {
    (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
}
