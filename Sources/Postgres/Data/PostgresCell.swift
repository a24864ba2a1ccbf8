/// One non-NULL value of a result, in PostgreSQL's text format, with its column's type.
///
/// A view into a ``PostgresRows`` buffer: cheap to make, not copied until decoded.
/// Value type; any thread.
public struct PostgresCell: Sendable {
    /// The value's bytes as the server sent them (text format).
    public let bytes: ArraySlice<UInt8>
    /// The column's type.
    public let type: PostgresDataType
    /// The column's name, for error messages.
    public let columnName: String

    public init(bytes: ArraySlice<UInt8>, type: PostgresDataType, columnName: String) {
        self.bytes = bytes
        self.type = type
        self.columnName = columnName
    }

    /// The bytes as a string (text format is UTF-8).
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// A decoding error that names the column and the types, never the value.
    func failure(_ swiftType: Any.Type, _ why: String = "not a valid value") -> PostgresError {
        PostgresError.decoding("column \"\(columnName)\" of type \(type) cannot be read as \(swiftType): \(why)")
    }
}
