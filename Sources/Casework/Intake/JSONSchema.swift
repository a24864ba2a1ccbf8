public import Foundation

/// The part of JSON Schema (2020-12) that civicq's documents use, checked in Swift so that the
/// schema in `schemas/json` is the one source of the rules: the server validates against the
/// file itself. Keywords: `type`, `properties`, `required`, `additionalProperties`,
/// `dependentRequired`, `minLength`, `maxLength`, `pattern`, `enum`, `minimum`, `maximum`,
/// `format: date-time`, `items`, `minItems`, `maxItems`; annotations are ignored, and
/// `x-message` gives the sentence for a failed `pattern`. Any other keyword is refused when the
/// schema is loaded, so that no rule is silently skipped. Lengths count Unicode code points.
///
/// `Sendable`: immutable (`NSRegularExpression` is thread-safe for matching).
public final class JSONSchema: @unchecked Sendable {
    let types: [String]?
    let properties: [String: JSONSchema]
    let required: [String]
    let additionalProperties: JSONSchema?
    let closed: Bool
    let dependentRequired: [String: [String]]
    let minLength: Int?
    let maxLength: Int?
    let pattern: NSRegularExpression?
    let patternMessage: String?
    let allowed: [JSONValue]?
    let minimum: Double?
    let maximum: Double?
    let dateTime: Bool
    let items: JSONSchema?
    let minItems: Int?
    let maxItems: Int?

    private static let annotations: Set<String> = ["$schema", "$id", "$comment", "title", "description", "examples", "default", "x-message"]

    /// The schema in a JSON document.
    public convenience init(data: Data) throws {
        try self.init(try JSONValue.parse(data), at: "")
    }

    init(_ value: JSONValue, at path: String) throws {
        guard case .object(let keywords) = value else { throw SchemaError(path: path, problem: "a schema must be an object") }
        for key in keywords.keys where !Self.annotations.contains(key) && !Self.known.contains(key) {
            throw SchemaError(path: path, problem: "the keyword \(key) is not supported")
        }
        switch keywords["type"] {
        case .string(let name)?: types = [name]
        case .array(let names)?: types = names.compactMap(\.stringValue)
        default: types = nil
        }
        var properties: [String: JSONSchema] = [:]
        if case .object(let members)? = keywords["properties"] {
            for (name, schema) in members { properties[name] = try JSONSchema(schema, at: path + "/properties/" + name) }
        }
        self.properties = properties
        required = keywords["required"].flatMap { if case .array(let names) = $0 { names.compactMap(\.stringValue) } else { nil } } ?? []
        switch keywords["additionalProperties"] {
        case .bool(let allowed)?: closed = !allowed; additionalProperties = nil
        case let schema?: closed = false; additionalProperties = try JSONSchema(schema, at: path + "/additionalProperties")
        case nil: closed = false; additionalProperties = nil
        }
        var dependent: [String: [String]] = [:]
        if case .object(let members)? = keywords["dependentRequired"] {
            for (name, list) in members {
                if case .array(let names) = list { dependent[name] = names.compactMap(\.stringValue) }
            }
        }
        dependentRequired = dependent
        minLength = keywords["minLength"]?.numberValue.map { Int($0) }
        maxLength = keywords["maxLength"]?.numberValue.map { Int($0) }
        if let source = keywords["pattern"]?.stringValue {
            do { pattern = try NSRegularExpression(pattern: source) } catch {
                throw SchemaError(path: path, problem: "the pattern does not compile")
            }
        } else {
            pattern = nil
        }
        patternMessage = keywords["x-message"]?.stringValue
        allowed = keywords["enum"].flatMap { if case .array(let values) = $0 { values } else { nil } }
        minimum = keywords["minimum"]?.numberValue
        maximum = keywords["maximum"]?.numberValue
        dateTime = keywords["format"]?.stringValue == "date-time"
        items = try keywords["items"].map { try JSONSchema($0, at: path + "/items") }
        minItems = keywords["minItems"]?.numberValue.map { Int($0) }
        maxItems = keywords["maxItems"]?.numberValue.map { Int($0) }
    }

    private static let known: Set<String> = [
        "type", "properties", "required", "additionalProperties", "dependentRequired", "minLength", "maxLength", "pattern",
        "enum", "minimum", "maximum", "format", "items", "minItems", "maxItems",
    ]

    /// The schema file itself is wrong (a developer's error, reported when it is loaded).
    public struct SchemaError: Error, Sendable, CustomStringConvertible {
        public let path: String
        public let problem: String
        public var description: String { "schema at \(path.isEmpty ? "/" : path): \(problem)" }
    }

    /// Every way `value` breaks the schema; empty when it conforms. Stops descending into a
    /// value whose type is wrong.
    public func validate(_ value: JSONValue, at pointer: String = "") -> [FieldError] {
        var label: String { FieldError.label(pointer) }
        if let types, !types.contains(where: { Self.matches(value, type: $0) }) {
            let names = types.map { $0 == "integer" ? "a whole number" : $0 == "object" ? "an object" : $0 == "array" ? "a list" : "a \($0)" }
            return [FieldError(field: pointer, code: "type", message: "\(label) must be \(names.joined(separator: " or "))")]
        }
        var errors: [FieldError] = []
        if let allowed, !allowed.contains(value) {
            let names = allowed.map { $0.stringValue ?? "\($0)" }.joined(separator: ", ")
            errors.append(FieldError(field: pointer, code: "enum", message: "\(label) must be one of: \(names)"))
        }
        switch value {
        case .string(let text): errors += validateString(text, pointer: pointer)
        case .number(let number):
            if let minimum, number < minimum {
                errors.append(FieldError(field: pointer, code: "minimum", message: "\(label) must be at least \(Self.show(minimum))"))
            }
            if let maximum, number > maximum {
                errors.append(FieldError(field: pointer, code: "maximum", message: "\(label) must be at most \(Self.show(maximum))"))
            }
        case .array(let elements):
            if let minItems, elements.count < minItems {
                errors.append(FieldError(field: pointer, code: "minItems", message: "\(label) must have at least \(minItems) items"))
            }
            if let maxItems, elements.count > maxItems {
                errors.append(FieldError(field: pointer, code: "maxItems", message: "\(label) must have at most \(maxItems) items"))
            }
            if let items {
                for (index, element) in elements.enumerated() { errors += items.validate(element, at: "\(pointer)/\(index)") }
            }
        case .object(let members): errors += validateObject(members, pointer: pointer)
        case .null, .bool: break
        }
        return errors
    }

    private func validateString(_ text: String, pointer: String) -> [FieldError] {
        var label: String { FieldError.label(pointer) }
        var errors: [FieldError] = []
        let length = text.unicodeScalars.count
        if let minLength, length < minLength {
            let message = minLength == 1 ? "\(label) must not be empty" : "\(label) must be at least \(minLength) characters"
            errors.append(FieldError(field: pointer, code: "minLength", message: message))
        }
        if let maxLength, length > maxLength {
            errors.append(FieldError(field: pointer, code: "maxLength", message: "\(label) must be at most \(maxLength) characters"))
        }
        if let pattern, pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
            errors.append(FieldError(field: pointer, code: "pattern", message: patternMessage.map { "\(label): \($0)" } ?? "\(label) has the wrong form"))
        }
        if dateTime, (ISODate.parse(text)) == nil {
            errors.append(FieldError(
                field: pointer, code: "format",
                message: "\(label) must be a date and time with a time zone, such as 2026-11-20T09:30:00+08:00"))
        }
        return errors
    }

    private func validateObject(_ members: [String: JSONValue], pointer: String) -> [FieldError] {
        var errors: [FieldError] = []
        for name in required where members[name] == nil {
            errors.append(FieldError(field: "\(pointer)/\(name)", code: "required", message: "\(FieldError.label("\(pointer)/\(name)")) is required"))
        }
        for (name, dependents) in dependentRequired where members[name] != nil {
            for dependent in dependents where members[dependent] == nil {
                errors.append(FieldError(
                    field: "\(pointer)/\(dependent)", code: "dependentRequired",
                    message: "\(FieldError.label("\(pointer)/\(dependent)")) is required with \(name)"))
            }
        }
        for (name, member) in members {
            let child = "\(pointer)/\(name)"
            if let schema = properties[name] {
                errors += schema.validate(member, at: child)
            } else if let additionalProperties {
                errors += additionalProperties.validate(member, at: child)
            } else if closed {
                errors.append(FieldError(field: child, code: "additionalProperties", message: "\(FieldError.label(child)) is not a known field"))
            }
        }
        // Members come in hash order: sort so that the same document always gives the same list.
        return errors.count > 1 ? errors.sorted { ($0.field, $0.code) < ($1.field, $1.code) } : errors
    }

    static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string), ("array", .array), ("object", .object): true
        case ("integer", .number(let number)): number.rounded() == number
        default: false
        }
    }

    private static func show(_ number: Double) -> String {
        number.rounded() == number ? String(Int(number)) : String(number)
    }
}
