internal import CLibPQ
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

extension PostgresConnection {
    /// Turns a `PGresult` into rows or an error, and frees it.
    func consume(_ result: OpaquePointer?) throws -> PostgresRows {
        guard let result else { throw connectionError() }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY, PGRES_SINGLE_TUPLE:
            return Self.rows(from: result, sharing: &lastResult)
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
            throw error(from: result)
        default:
            throw PostgresError(code: .protocolViolation, reason: "unexpected result status \(PQresultStatus(result).rawValue)")
        }
    }

    /// The error a failed result describes, or `CancellationError` if this unit of work was
    /// cancelled and the server says the statement was cancelled. `batchIndex` is the failing
    /// statement's position in a pipeline.
    func error(from result: OpaquePointer, batchIndex: Int? = nil) -> any Error {
        var error = Self.serverError(from: result)
        if error.sqlState == .queryCanceled, interrupt.wasCancelled { return CancellationError() }
        error.batchIndex = batchIndex
        if !isConnected {
            error.code = .connectionLost
            error.reason = "the connection was lost (\(error.reason))"
        }
        return error
    }

    /// The error for a call that returned no result: the connection is gone, or libpq failed locally.
    func connectionError() -> PostgresError {
        let message = Self.errorMessage(of: raw)
        if !isConnected { return PostgresError(code: .connectionLost, reason: "the connection was lost: \(message)") }
        return PostgresError(code: .protocolViolation, reason: message)
    }

    static func errorMessage(of connection: OpaquePointer) -> String {
        guard let message = PQerrorMessage(connection) else { return "unknown error" }
        let text = String(cString: message).split(whereSeparator: \.isNewline).first.map(String.init)
        return text?.isEmpty == false ? text! : "unknown error"
    }

    static func serverError(from result: OpaquePointer) -> PostgresError {
        func field(_ code: Int32) -> String? {
            guard let value = PQresultErrorField(result, code) else { return nil }
            return String(cString: value)
        }
        let state = field(CLIBPQ_DIAG_SQLSTATE).map(SQLState.init(rawValue:))
        let message = field(CLIBPQ_DIAG_MESSAGE_PRIMARY)
        let reason: String
        if let state, state.messageIsSafe, let message {
            reason = message
        } else {
            reason = state?.name.map { $0.replacingUnderscores } ?? "the server reported an error"
        }
        var error = PostgresError(code: .server, reason: reason, sqlState: state)
        error.message = message
        error.detail = field(CLIBPQ_DIAG_MESSAGE_DETAIL)
        error.hint = field(CLIBPQ_DIAG_MESSAGE_HINT)
        error.context = field(CLIBPQ_DIAG_CONTEXT)
        error.schemaName = field(CLIBPQ_DIAG_SCHEMA_NAME)
        error.tableName = field(CLIBPQ_DIAG_TABLE_NAME)
        error.columnName = field(CLIBPQ_DIAG_COLUMN_NAME)
        error.constraintName = field(CLIBPQ_DIAG_CONSTRAINT_NAME)
        return error
    }

    /// Copies a result's rows into one buffer, sharing what it can with the last result
    /// (`last`), which it then describes.
    static func rows(from result: OpaquePointer, sharing last: inout ResultReuse) -> PostgresRows {
        let rowCount = Int(PQntuples(result))
        let fieldCount = Int(PQnfields(result))
        let columns = columns(of: result, count: fieldCount, reusing: last.columns)
        // One buffer (``PostgresRows/storage``): the spans, then the cells' bytes; the lengths
        // are summed first, so that it is made at its size, or a small result copied over the
        // spare buffer (ResultReuse.small). Cell c is row c / fieldCount, field c % fieldCount. (The spans were an
        // [Int32] of their own; making an array looks up its generic metadata in the Swift
        // runtime every time, and the [Int32] was 9 % of the client's user time at eight
        // clients.)
        let cellCount = rowCount * fieldCount
        func position(_ cell: Int) -> (row: Int32, field: Int32) { (Int32(cell / fieldCount), Int32(cell % fieldCount)) }
        var total = PostgresRows.spanBytes * cellCount
        for cell in 0..<cellCount {
            let (row, field) = position(cell)
            total += Int(PQgetlength(result, row, field))  // 0 for NULL
        }
        func copy(into base: UnsafeMutableRawPointer) {
            var offset = PostgresRows.spanBytes * cellCount
            for cell in 0..<cellCount {
                let (row, field) = position(cell)
                let length = Int(PQgetlength(result, row, field))
                PostgresRows.storeSpan(of: cell, start: offset, length: PQgetisnull(result, row, field) == 1 ? -1 : length, into: base)
                if length > 0, let value = PQgetvalue(result, row, field) {
                    (base + offset).copyMemory(from: value, byteCount: length)
                }
                offset += length
            }
        }
        let storage = cellCount == 0 ? [] : last.small(total, copy(into:)) ?? [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            copy(into: UnsafeMutableRawPointer(buffer.baseAddress!))
            initialized = total
        }
        let tag = PQcmdStatus(result).map { string(UnsafePointer($0), reusing: last.tag) } ?? ""
        let affected = PQcmdTuples(result).flatMap { count(UnsafePointer($0)) } ?? rowCount
        last.columns = columns
        last.tag = tag
        return PostgresRows(columns: columns, affectedRows: affected, commandTag: tag, storage: storage, rowCount: rowCount)
    }
}

extension PostgresConnection {
    /// A result's columns: `previous` itself when they have the same names and types, which is
    /// what a statement sent again and again gets (a queue's insert, a worker's claim), so
    /// that it makes no array and no strings for them. The names are compared as bytes. (Made
    /// afresh, the columns of the queue's single insert were about 7 % of the client's user
    /// time at eight connections.)
    static func columns(of result: OpaquePointer, count: Int, reusing previous: [PostgresRows.Column]) -> [PostgresRows.Column] {
        func name(_ field: Int32) -> UnsafePointer<CChar>? { PQfname(result, field).map { UnsafePointer($0) } }
        if count == previous.count, previous.indices.allSatisfy({ index in
            let field = Int32(index)
            guard PQftype(result, field) == previous[index].type.oid, let name = name(field) else { return false }
            return same(name, previous[index].name)
        }) {
            return previous
        }
        return (0..<Int32(count)).map { field in
            PostgresRows.Column(name: name(field).map { String(cString: $0) } ?? "?column?", type: PostgresDataType(oid: PQftype(result, field)))
        }
    }

    /// Whether the C string `text` has the bytes of `string`.
    static func same(_ text: UnsafePointer<CChar>, _ string: String) -> Bool {
        var string = string
        return string.withUTF8 { utf8 in
            strlen(text) == utf8.count && (utf8.isEmpty || memcmp(text, utf8.baseAddress!, utf8.count) == 0)
        }
    }

    /// `text` as a string: `previous` itself when it has the same bytes (the command tag of a
    /// statement sent again, `INSERT 0 1`), so that none is made and checked as UTF-8.
    static func string(_ text: UnsafePointer<CChar>, reusing previous: String) -> String {
        same(text, previous) ? previous : String(cString: text)
    }

    /// The number `PQcmdTuples` gives (decimal digits), read without making a string; nil for
    /// an empty or any other text.
    static func count(_ text: UnsafePointer<CChar>) -> Int? {
        var value = 0
        var next = text
        while next.pointee != 0 {
            let digit = Int(next.pointee) - Int(UInt8(ascii: "0"))
            guard (0...9).contains(digit), value <= (Int.max - digit) / 10 else { return nil }
            value = value * 10 + digit
            next += 1
        }
        return next == text ? nil : value
    }
}

extension String {
    fileprivate var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}
