internal import CLibPQ
import Foundation

extension PostgresConnection {
    /// Streams rows into a `COPY ... FROM STDIN` statement (text format).
    ///
    /// ```swift
    /// let count = try connection.copyFrom("COPY cases (id, title) FROM STDIN") { writer in
    ///     for item in items { try writer.writeRow(item.id, item.title) }
    /// }
    /// ```
    /// `COPY` is atomic: if the server rejects a row, no row is stored. If `write` throws, the
    /// copy is aborted and its error rethrown.
    /// - Returns: the number of rows the server stored.
    /// - Throws: the server's error, with ``PostgresError/batchIndex`` set to the zero-based
    ///   index of the row it rejected, when it names one.
    @discardableResult
    public func copyFrom(_ statement: PostgresQuery, _ write: (PostgresCopyWriter) throws -> Void) throws -> Int {
        try interrupt.begin()
        defer { interrupt.end() }
        let start = statement.binds.withLibPQArrays { types, values, lengths, formats in
            PQexecParams(raw, statement.sql, Int32(statement.binds.count), types, values, lengths, formats, 0)
        }
        guard let start else { throw connectionError() }
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            _ = try consume(start)
            throw PostgresError(code: .copyFailed, reason: "the statement is not COPY ... FROM STDIN")
        }
        PQclear(start)
        let writer = PostgresCopyWriter(connection: self)
        do {
            try write(writer)
            try writer.flush()
        } catch {
            PQputCopyEnd(raw, "aborted by the client")
            drainCopyResults()
            throw error
        }
        guard PQputCopyEnd(raw, nil) == 1 else { throw connectionError() }
        var stored = 0
        var failure: (any Error)?
        while let result = PQgetResult(raw) {
            if failure == nil {
                do {
                    stored = try consume(result).affectedRows
                } catch var error as PostgresError {
                    error.batchIndex = Self.copyLine(in: error.context).map { $0 - 1 }
                    failure = error
                } catch {
                    failure = error
                }
            } else {
                PQclear(result)
            }
        }
        if let failure { throw failure }
        return stored
    }

    /// Sends one buffer of COPY data.
    func putCopyData(_ bytes: [UInt8]) throws {
        let sent = bytes.withUnsafeBytes { raw in
            PQputCopyData(self.raw, raw.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
        }
        guard sent == 1 else { throw connectionError() }
    }

    private func drainCopyResults() {
        while let result = PQgetResult(raw) { PQclear(result) }
    }

    /// The line number in a COPY error's context ("COPY cases, line 3, column title: ...").
    static func copyLine(in context: String?) -> Int? {
        guard let context, let range = context.range(of: ", line ") else { return nil }
        return Int(context[range.upperBound...].prefix(while: \.isNumber))
    }
}

/// Encodes rows in `COPY` text format and sends them in chunks of about 64 KiB.
///
/// Lent to the closure of ``PostgresConnection/copyFrom(_:_:)``; not `Sendable`, used only on
/// the connection's thread.
public final class PostgresCopyWriter {
    private unowned let connection: PostgresConnection
    private var buffer: [UInt8] = []
    private static let chunkSize = 64 * 1024

    /// Rows written so far.
    public private(set) var rowCount = 0

    init(connection: PostgresConnection) {
        self.connection = connection
        buffer.reserveCapacity(Self.chunkSize + 4096)
    }

    /// Writes one row; the values go to the statement's columns in order.
    public func writeRow<each T: PostgresEncodable>(_ values: repeat each T) throws {
        var first = true
        for value in repeat each values {
            if !first { buffer.append(UInt8(ascii: "\t")) }
            first = false
            append(value.postgresBind.textForm)
        }
        try endRow()
    }

    /// Writes one row of values whose types are known only at run time.
    public func writeRow(_ values: [any PostgresEncodable]) throws {
        for (index, value) in values.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: "\t")) }
            append(value.postgresBind.textForm)
        }
        try endRow()
    }

    private func endRow() throws {
        buffer.append(UInt8(ascii: "\n"))
        rowCount += 1
        if buffer.count >= Self.chunkSize { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try connection.putCopyData(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private func append(_ text: String?) {
        guard var text else {
            buffer.append(UInt8(ascii: "\\"))
            buffer.append(UInt8(ascii: "N"))
            return
        }
        text.withUTF8 { bytes in
            // Copies runs of ordinary bytes at once; only \\, \n, \r and \t need escaping.
            var runStart = 0
            for (index, byte) in bytes.enumerated() {
                let escaped: UInt8
                switch byte {
                case UInt8(ascii: "\\"): escaped = UInt8(ascii: "\\")
                case UInt8(ascii: "\n"): escaped = UInt8(ascii: "n")
                case UInt8(ascii: "\r"): escaped = UInt8(ascii: "r")
                case UInt8(ascii: "\t"): escaped = UInt8(ascii: "t")
                default: continue
                }
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(escaped)
                runStart = index + 1
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
    }
}
