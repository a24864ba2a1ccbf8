public import Foundation

/// A Swift type that can be read from a result column.
public protocol PostgresDecodable: Sendable {
    /// Decodes a non-NULL value.
    init(postgresCell cell: PostgresCell) throws
    /// The value for SQL NULL. The default throws; `Optional` returns `nil`.
    static func postgresNull(columnName: String) throws -> Self
}

extension PostgresDecodable {
    public static func postgresNull(columnName: String) throws -> Self {
        throw PostgresError.decoding("column \"\(columnName)\" is NULL; read it as \(Self.self)? instead")
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws { self = try Wrapped(postgresCell: cell) }
    public static func postgresNull(columnName: String) throws -> Self { nil }
}

extension String: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws { self = cell.string }
}

/// Parses a decimal integer from ASCII bytes without making a String.
@inline(__always)
func parseInteger<T: FixedWidthInteger>(_ bytes: ArraySlice<UInt8>, as: T.Type) -> T? {
    var index = bytes.startIndex
    guard index < bytes.endIndex else { return nil }
    let negative = bytes[index] == UInt8(ascii: "-")
    if negative || bytes[index] == UInt8(ascii: "+") { index += 1 }
    guard index < bytes.endIndex else { return nil }
    var value: T = 0
    while index < bytes.endIndex {
        let digit = bytes[index] &- UInt8(ascii: "0")
        guard digit < 10 else { return nil }
        let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
        let (next, overflow2) =
            negative ? times.subtractingReportingOverflow(T(digit)) : times.addingReportingOverflow(T(digit))
        guard !overflow1, !overflow2 else { return nil }
        value = next
        index += 1
    }
    return value
}

extension PostgresDecodable where Self: FixedWidthInteger {
    /// Integers are read straight from the text bytes; a value out of range is an error.
    public init(postgresCell cell: PostgresCell) throws {
        guard let value = parseInteger(cell.bytes, as: Self.self) else { throw cell.failure(Self.self) }
        self = value
    }
}

extension Int: PostgresDecodable {}
extension Int64: PostgresDecodable {}
extension Int32: PostgresDecodable {}
extension Int16: PostgresDecodable {}

extension Bool: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws {
        switch cell.bytes.first {
        case UInt8(ascii: "t"): self = true
        case UInt8(ascii: "f"): self = false
        default: throw cell.failure(Bool.self)
        }
    }
}

extension Double: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws {
        let text = cell.string
        switch text {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default:
            guard let value = Double(text) else { throw cell.failure(Double.self) }
            self = value
        }
    }
}

extension Date: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws {
        guard let date = PostgresTimestampCodec.parse(cell.bytes) else {
            throw cell.failure(Date.self, "expected an ISO timestamp with a zone offset")
        }
        self = date
    }
}

extension UUID: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws {
        guard let uuid = UUID(uuidString: cell.string) else { throw cell.failure(UUID.self) }
        self = uuid
    }
}

extension Data: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws {
        guard let bytes = PostgresByteaCodec.parseHex(cell.bytes) else {
            throw cell.failure(Data.self, "expected bytea in hex format")
        }
        self = Data(bytes)
    }
}

extension Duration: PostgresDecodable {
    /// Reads an interval with no months (a month has no fixed length); days count as 24 hours.
    public init(postgresCell cell: PostgresCell) throws {
        let interval = try PostgresInterval(postgresCell: cell)
        guard interval.months == 0 else { throw cell.failure(Duration.self, "the interval has months") }
        self = .microseconds(Int64(interval.days) * 86_400_000_000 + interval.microseconds)
    }
}

extension Array: PostgresDecodable where Element: PostgresDecodable {
    /// Reads a one-dimensional array (`text[]`, `int8[]`, ...). NULL elements need an optional element type.
    public init(postgresCell cell: PostgresCell) throws {
        guard let elements = PostgresArrayLiteral.parse(cell.bytes) else {
            throw cell.failure([Element].self, "expected a one-dimensional array literal")
        }
        self = try elements.map { element in
            guard let element else { return try Element.postgresNull(columnName: cell.columnName) }
            let bytes = ArraySlice<UInt8>([UInt8](element.utf8))
            return try Element(postgresCell: PostgresCell(bytes: bytes, type: .unspecified, columnName: cell.columnName))
        }
    }
}
