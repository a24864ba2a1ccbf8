import Foundation

/// Categories (GB/T 39666 style: class 2 digits / middle 4 / minor 6) and clock policies.
///
/// ```yaml
/// policies:                       # optional: changes or adds clock policies
///   - { name: ordinary, response: 1 working_days, resolution: 7 days }
/// categories:
///   - code: "03"
///     name: 公用事业
///     policy: utilities           # children inherit it unless they set their own
///     children:
///       - { code: "0301", name: 供水, children: [{ code: "030101", name: 停水 }] }
/// ```
public struct CategoriesFile: Sendable, Codable, Equatable {
    public struct Policy: Sendable, Codable, Equatable {
        public var name: String
        /// `2 hours`, `7 days`, `1 working_days`.
        public var response: String
        public var resolution: String
    }

    public struct Category: Sendable, Codable, Equatable {
        public var code: String
        public var name: String
        public var policy: String?
        /// For Open311 service lists: a sentence, keywords, and questions to ask.
        public var description: String?
        public var keywords: String?
        public var attributes: [ServiceAttribute]?
        public var children: [Category]?
    }

    /// A category with its parent and effective policy.
    public struct Flat: Sendable, Equatable {
        public let code: String
        public let name: String
        public let parent: String?
        public let policy: String
        public let description: String?
        public let keywords: String?
        public let attributes: [ServiceAttribute]
    }

    public var policies: [Policy]?
    public var categories: [Category]

    /// Parses `2 hours`, `3 working_days`, `7 days` (also `2h`, `3wd`, `7d`).
    public static func allowance(_ text: String) -> ClockAllowance? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isNumber }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        guard let amount = Int(digits), amount > 0 else { return nil }
        switch unit {
        case "h", "hour", "hours": return ClockAllowance(amount: amount, unit: .hours)
        case "d", "day", "days": return ClockAllowance(amount: amount, unit: .days)
        case "wd", "working_day", "working_days", "working day", "working days": return ClockAllowance(amount: amount, unit: .workingDays)
        default: return nil
        }
    }

    /// Parsed policies, checked.
    public func clockPolicies() throws -> [ClockPolicy] {
        try (policies ?? []).map { policy in
            guard policy.name.range(of: "^[a-z][a-z0-9_]{0,31}$", options: .regularExpression) != nil else {
                throw CaseworkError(.badInput, "policy name \"\(policy.name)\" must be lowercase letters, digits and _")
            }
            guard let response = Self.allowance(policy.response), let resolution = Self.allowance(policy.resolution) else {
                throw CaseworkError(.badInput, "policy \(policy.name): write allowances as \"2 hours\", \"7 days\" or \"3 working_days\"")
            }
            return ClockPolicy(name: policy.name, response: response, resolution: resolution)
        }
    }

    /// Every category with its parent and effective policy, in file order.
    public func flattened() throws -> [Flat] {
        var result: [Flat] = []
        var seen = Set<String>()
        func visit(_ category: Category, parent: String?, inherited: String) throws {
            let depth = parent.map { $0.count + 2 } ?? 2
            guard category.code.count == depth, category.code.allSatisfy(\.isASCII), category.code.allSatisfy(\.isNumber),
                  parent.map({ category.code.hasPrefix($0) }) ?? true
            else {
                throw CaseworkError(.badInput, "category \(category.code): codes are 2, 4 and 6 digits, each starting with its parent's")
            }
            guard seen.insert(category.code).inserted else { throw CaseworkError(.badInput, "category \(category.code) appears twice") }
            let policy = category.policy ?? inherited
            let attributes = category.attributes ?? []
            for attribute in attributes { try attribute.check(in: category.code) }
            guard Set(attributes.map(\.code)).count == attributes.count else {
                throw CaseworkError(.badInput, "category \(category.code): attribute codes repeat")
            }
            result.append(Flat(
                code: category.code, name: category.name, parent: parent, policy: policy, description: category.description,
                keywords: category.keywords, attributes: attributes))
            for child in category.children ?? [] { try visit(child, parent: category.code, inherited: policy) }
        }
        for category in categories { try visit(category, parent: nil, inherited: "ordinary") }
        return result
    }

    public static func parse(_ text: String) throws -> CategoriesFile {
        let file: CategoriesFile = try YAMLFile.decode(text, what: "categories file")
        _ = try file.clockPolicies()
        _ = try file.flattened()
        return file
    }
}
