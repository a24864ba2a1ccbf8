import Foundation

/// An Open311 service attribute: one more question a category asks (GeoReport v2 service
/// definition). Kept with the category, answered with the case.
public struct ServiceAttribute: Sendable, Codable, Equatable {
    public struct Value: Sendable, Codable, Equatable {
        public var key: String
        public var name: String
    }

    public var code: String
    public var description: String
    /// string, number, datetime, text, singlevaluelist or multivaluelist.
    public var datatype: String
    public var required: Bool?
    /// False: information only, not asked of the citizen. Default true.
    public var variable: Bool?
    public var order: Int?
    public var datatype_description: String?
    public var values: [Value]?

    public static let datatypes: Set<String> = ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]

    public var isRequired: Bool { required ?? false }
    public var isVariable: Bool { variable ?? true }
    public var isList: Bool { datatype.hasSuffix("valuelist") }

    /// Checks the definition itself (for `categories import`).
    func check(in category: String) throws {
        guard code.range(of: "^[A-Za-z0-9_-]{1,64}$", options: .regularExpression) != nil else {
            throw CaseworkError(.badInput, "category \(category): attribute codes are 1 to 64 letters, digits, _ or -")
        }
        guard Self.datatypes.contains(datatype) else {
            throw CaseworkError(.badInput, "category \(category), attribute \(code): datatype must be one of \(Self.datatypes.sorted().joined(separator: ", "))")
        }
        if isList, (values ?? []).isEmpty {
            throw CaseworkError(.badInput, "category \(category), attribute \(code): a \(datatype) needs values")
        }
    }

    /// What is wrong with `answer` (the submitted values of this attribute), if anything.
    public func problem(with answer: [String]) -> String? {
        let given = answer.filter { !$0.isEmpty }
        if given.isEmpty { return isRequired && isVariable ? "is required" : nil }
        switch datatype {
        case "singlevaluelist", "multivaluelist":
            if datatype == "singlevaluelist", given.count > 1 { return "takes one value" }
            let keys = Set((values ?? []).map(\.key))
            return given.allSatisfy(keys.contains) ? nil : "must be one of: \((values ?? []).map(\.key).joined(separator: ", "))"
        case "number":
            return given.count == 1 && Double(given[0]) != nil ? nil : "must be a number"
        case "datetime":
            return given.count == 1 && ISODate.parse(given[0]) != nil ? nil : "must be a date and time with a time zone"
        default:
            return given.count == 1 && given[0].unicodeScalars.count <= 2000 ? nil : "takes one text of at most 2000 characters"
        }
    }
}
