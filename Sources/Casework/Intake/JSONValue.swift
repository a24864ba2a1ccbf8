public import Foundation
public import Postgres

/// A JSON document as parsed (by ``JSONParser``), keeping the difference between numbers,
/// booleans and null that validation needs (Foundation's `JSONSerialization` blurs numbers
/// and booleans on Linux).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses `data` as one JSON document (UTF-8).
    /// - Throws: `JSONValue.ParseError` with a safe sentence: never the content of the body.
    public static func parse(_ data: Data) throws -> JSONValue {
        try data.withUnsafeBytes { raw in try parse(raw.bindMemory(to: UInt8.self)) }
    }

    /// Parses `bytes` as one JSON document (UTF-8).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws -> JSONValue {
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw ParseError()
        }
    }

    /// The body is not one JSON document in UTF-8.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var description: String { "the body is not valid JSON in UTF-8" }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }
}

/// Encodes as the JSON it is (for storing attribute answers as jsonb).
extension JSONValue: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue {
    /// Writes the value as the JSON it is, for the statements that store attribute answers
    /// (``PostgresJSONB/Writer``).
    public func write(to json: inout PostgresJSONB.Writer) {
        switch self {
        case .null: json.null()
        case .bool(let value): json.value(value)
        case .number(let value): json.value(value)
        case .string(let value): json.value(value)
        case .array(let items):
            json.beginArray()
            for item in items { item.write(to: &json) }
            json.endArray()
        case .object(let fields):
            json.beginObject()
            for (key, value) in fields {
                json.key(key)
                value.write(to: &json)
            }
            json.endObject()
        }
    }
}
