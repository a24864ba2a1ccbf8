/// The rows a statement returned, copied out of libpq into one buffer.
///
/// Value type: `Sendable`, safe to pass between tasks and threads; no libpq memory is kept.
public struct PostgresRows: Sendable, RandomAccessCollection {
    /// A result column: its name and type.
    public struct Column: Sendable, Equatable {
        public let name: String
        public let type: PostgresDataType
    }

    /// The columns, in order.
    public let columns: [Column]
    /// Rows affected by INSERT/UPDATE/DELETE/COPY (`PQcmdTuples`), or the number of rows returned.
    public let affectedRows: Int
    /// The command tag, e.g. `INSERT 0 1`.
    public let commandTag: String

    /// For each cell (row-major), its span: two `Int32`s, its start offset in `storage` and its
    /// length (-1 for NULL); then the cells' bytes.
    let storage: [UInt8]
    let rowCount: Int
    /// The bytes of one cell's span.
    static let spanBytes = 8

    init(columns: [Column], affectedRows: Int, commandTag: String, storage: [UInt8], rowCount: Int) {
        self.columns = columns
        self.affectedRows = affectedRows
        self.commandTag = commandTag
        self.storage = storage
        self.rowCount = rowCount
    }

    static let empty = PostgresRows(columns: [], affectedRows: 0, commandTag: "", storage: [], rowCount: 0)

    /// Cell `cell`'s start in `storage` and its length (-1 for NULL).
    func span(_ cell: Int) -> (start: Int, length: Int) {
        storage.withUnsafeBytes { bytes in
            (Int(bytes.loadUnaligned(fromByteOffset: Self.spanBytes * cell, as: Int32.self)),
             Int(bytes.loadUnaligned(fromByteOffset: Self.spanBytes * cell + 4, as: Int32.self)))
        }
    }

    /// Writes cell `cell`'s span into a `storage` being made at `base`: what ``span(_:)`` reads.
    static func storeSpan(of cell: Int, start: Int, length: Int, into base: UnsafeMutableRawPointer) {
        base.storeBytes(of: Int32(start), toByteOffset: spanBytes * cell, as: Int32.self)
        base.storeBytes(of: Int32(length), toByteOffset: spanBytes * cell + 4, as: Int32.self)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { rowCount }
    public subscript(position: Int) -> PostgresRow { PostgresRow(rows: self, index: position) }

    /// The index of the column with this name, if any.
    public func columnIndex(named name: String) -> Int? { columns.firstIndex { $0.name == name } }

    /// The first row's first column, decoded; `nil` when there are no rows.
    public func scalar<T: PostgresDecodable>(_ type: T.Type = T.self) throws -> T? {
        guard let first else { return nil }
        return try first.decode(T.self, at: 0)
    }
}

/// One row of ``PostgresRows``. Value type; any thread.
public struct PostgresRow: Sendable {
    let rows: PostgresRows
    let index: Int

    /// The number of columns.
    public var count: Int { rows.columns.count }

    /// The raw cell at a column, or `nil` for SQL NULL.
    public subscript(column: Int) -> PostgresCell? {
        let cell = index * rows.columns.count + column
        let (start, length) = rows.span(cell)
        guard length >= 0 else { return nil }
        let info = rows.columns[column]
        return PostgresCell(bytes: rows.storage[start..<start + length], type: info.type, columnName: info.name)
    }

    /// Decodes the column at `column` (zero-based).
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, at column: Int) throws -> T {
        guard column >= 0, column < rows.columns.count else {
            throw PostgresError.decoding("column index \(column) is out of range (\(rows.columns.count) columns)")
        }
        guard let cell = self[column] else { return try T.postgresNull(columnName: rows.columns[column].name) }
        return try T(postgresCell: cell)
    }

    /// Decodes the column with this name.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, named name: String) throws -> T {
        guard let column = rows.columnIndex(named: name) else {
            throw PostgresError.decoding("there is no column \"\(name)\"")
        }
        return try decode(T.self, at: column)
    }

    /// Decodes consecutive columns as a tuple, from `startingAt` (default: the first):
    /// `let (id, name) = try row.decode((Int, String).self)`.
    public func decode<each T: PostgresDecodable>(_ types: (repeat each T).Type, startingAt first: Int = 0) throws -> (repeat each T) {
        var column = first
        func next<U: PostgresDecodable>(_: U.Type) throws -> U {
            defer { column += 1 }
            return try decode(U.self, at: column)
        }
        return (repeat try next((each T).self))
    }
}
