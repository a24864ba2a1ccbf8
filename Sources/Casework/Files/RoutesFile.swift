import Foundation

/// Routing rules, in order; the first that matches wins (`civicq routes import`).
///
/// ```yaml
/// rules:
///   - id: gas-leak
///     when: { keywords: [燃气泄漏, 煤气味] }
///     then: { lead: gas, priority: urgent, policy: urgent }
///   - id: water-chaoyang
///     when: { category: "0301", area: "110105" }
///     then: { lead: water-cy, assist: [bj-cy-jsl] }
/// ```
public struct RoutesFile: Sendable, Codable, Equatable {
    public var rules: [RoutingRule]

    static let priorities: Set<String> = ["urgent", "high", "normal", "low"]
    static let channels: Set<String> = ["phone", "web", "app", "wechat", "sms", "email", "letter", "open311", "other"]

    /// Checks the rules against themselves and against what exists: departments, policies.
    public func validate(departments: Set<String>, policies: Set<String>) throws {
        var ids = Set<String>()
        for (index, rule) in rules.enumerated() {
            let at = "rule \(index + 1) (\(rule.id))"
            guard !rule.id.isEmpty, rule.id.count <= 64 else { throw CaseworkError(.badInput, "rule \(index + 1) needs an id of 1 to 64 characters") }
            guard ids.insert(rule.id).inserted else { throw CaseworkError(.badInput, "\(at): the id is used twice") }
            for code in rule.when.category where code.isEmpty || code.count > 6 || !code.allSatisfy(\.isNumber) {
                throw CaseworkError(.badInput, "\(at): category prefixes are 1 to 6 digits")
            }
            for code in rule.when.area where code.isEmpty || code.count > 15 || !code.allSatisfy(\.isNumber) {
                throw CaseworkError(.badInput, "\(at): area prefixes are 1 to 15 digits")
            }
            if rule.when.keywords.contains(where: \.isEmpty) { throw CaseworkError(.badInput, "\(at): a keyword is empty") }
            if let channel = rule.when.channel.first(where: { !Self.channels.contains($0) }) {
                throw CaseworkError(.badInput, "\(at): unknown channel \(channel)")
            }
            for department in [rule.then.lead] + rule.then.assist where !departments.contains(department) {
                throw CaseworkError(.badInput, "\(at): there is no active department \(department)")
            }
            if let priority = rule.then.priority, !Self.priorities.contains(priority) {
                throw CaseworkError(.badInput, "\(at): priority must be urgent, high, normal or low")
            }
            if let policy = rule.then.policy, !policies.contains(policy) {
                throw CaseworkError(.badInput, "\(at): there is no clock policy \(policy)")
            }
        }
    }

    public static func parse(_ text: String) throws -> RoutesFile {
        try YAMLFile.decode(text, what: "routes file")
    }
}
