public import Foundation

/// A `jsonb` value, kept as its JSON text. Bind it, read it, or convert to and from `Codable`.
/// Value type; any thread.
public struct PostgresJSONB: Hashable, Sendable, PostgresEncodable, PostgresDecodable {
    /// The JSON text.
    public var text: String

    /// Wraps JSON text as it is; the server validates it.
    public init(text: String) { self.text = text }

    /// Encodes a value with `JSONEncoder` (keys sorted, so equal values give equal text).
    public init<T: Encodable>(encoding value: T, encoder: JSONEncoder = PostgresJSONB.defaultEncoder) throws {
        self.text = String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes the JSON into a value.
    public func decode<T: Decodable>(_ type: T.Type, decoder: JSONDecoder = JSONDecoder()) throws -> T {
        try decoder.decode(type, from: Data(text.utf8))
    }

    /// An encoder with sorted keys and ISO 8601 dates.
    public static var defaultEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    public static var postgresType: PostgresDataType { .jsonb }
    public var postgresValue: PostgresBind.Value? { .text(text) }

    public init(postgresCell cell: PostgresCell) throws { self.text = cell.string }
}
