public import Foundation

/// A value bound to a query parameter: its type and its bytes, or `nil` for SQL NULL.
/// Value type; any thread.
public struct PostgresBind: Sendable, Equatable {
    /// The wire form of one parameter.
    public enum Value: Sendable, Equatable {
        /// Text format, as PostgreSQL would print the value.
        case text(String)
        /// Binary format (used for `bytea`).
        case binary([UInt8])
    }

    public var type: PostgresDataType
    /// `nil` is SQL NULL.
    public var value: Value?

    public init(type: PostgresDataType, value: Value?) {
        self.type = type
        self.value = value
    }

    /// The value as text, as it would appear in a `COPY` text stream or an array literal;
    /// `nil` for NULL.
    public var textForm: String? {
        switch value {
        case nil: nil
        case .text(let text): text
        case .binary(let bytes): PostgresByteaCodec.hexString(bytes)
        }
    }
}

/// A Swift type that can be bound to a query parameter.
public protocol PostgresEncodable: Sendable {
    /// The PostgreSQL type the parameter is declared as.
    static var postgresType: PostgresDataType { get }
    /// The wire form of this value; `nil` for SQL NULL.
    var postgresValue: PostgresBind.Value? { get }
}

extension PostgresEncodable {
    /// This value with its type, ready to bind.
    public var postgresBind: PostgresBind { PostgresBind(type: Self.postgresType, value: postgresValue) }
}

extension String: PostgresEncodable {
    public static var postgresType: PostgresDataType { .text }
    public var postgresValue: PostgresBind.Value? { .text(self) }
}

extension Substring: PostgresEncodable {
    public static var postgresType: PostgresDataType { .text }
    public var postgresValue: PostgresBind.Value? { .text(String(self)) }
}

extension PostgresEncodable where Self: FixedWidthInteger {
    public var postgresValue: PostgresBind.Value? { .text(String(self)) }
}

extension Int: PostgresEncodable {
    public static var postgresType: PostgresDataType { .int8 }
}

extension Int64: PostgresEncodable {
    public static var postgresType: PostgresDataType { .int8 }
}

extension Int32: PostgresEncodable {
    public static var postgresType: PostgresDataType { .int4 }
}

extension Int16: PostgresEncodable {
    public static var postgresType: PostgresDataType { .int2 }
}

extension Bool: PostgresEncodable {
    public static var postgresType: PostgresDataType { .bool }
    public var postgresValue: PostgresBind.Value? { .text(self ? "t" : "f") }
}

extension Double: PostgresEncodable {
    public static var postgresType: PostgresDataType { .float8 }
    public var postgresValue: PostgresBind.Value? {
        if isNaN { return .text("NaN") }
        if isInfinite { return .text(self < 0 ? "-Infinity" : "Infinity") }
        return .text(String(self))
    }
}

extension Date: PostgresEncodable {
    public static var postgresType: PostgresDataType { .timestamptz }
    public var postgresValue: PostgresBind.Value? { .text(PostgresTimestampCodec.format(self)) }
}

extension UUID: PostgresEncodable {
    public static var postgresType: PostgresDataType { .uuid }
    public var postgresValue: PostgresBind.Value? { .text(uuidString) }
}

extension Data: PostgresEncodable {
    public static var postgresType: PostgresDataType { .bytea }
    public var postgresValue: PostgresBind.Value? { .binary([UInt8](self)) }
}

extension Duration: PostgresEncodable {
    public static var postgresType: PostgresDataType { .interval }
    public var postgresValue: PostgresBind.Value? { PostgresInterval(self).postgresValue }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public static var postgresType: PostgresDataType { Wrapped.postgresType }
    public var postgresValue: PostgresBind.Value? { self?.postgresValue }
}

/// An element type of a one-dimensional array parameter (`text[]`, `int8[]`).
public protocol PostgresArrayElement: PostgresEncodable {
    /// The array type whose elements are of this type.
    static var postgresArrayType: PostgresDataType { get }
}

extension String: PostgresArrayElement {
    public static var postgresArrayType: PostgresDataType { .textArray }
}

extension Int: PostgresArrayElement {
    public static var postgresArrayType: PostgresDataType { .int8Array }
}

extension Int64: PostgresArrayElement {
    public static var postgresArrayType: PostgresDataType { .int8Array }
}

extension Optional: PostgresArrayElement where Wrapped: PostgresArrayElement {
    public static var postgresArrayType: PostgresDataType { Wrapped.postgresArrayType }
}

extension Array: PostgresEncodable where Element: PostgresArrayElement {
    public static var postgresType: PostgresDataType { Element.postgresArrayType }
    public var postgresValue: PostgresBind.Value? {
        .text(PostgresArrayLiteral.format(map { $0.postgresBind.textForm }))
    }
}
