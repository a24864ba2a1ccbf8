/// The records of an RFC 4180 CSV text: fields separated by commas, quoted with `"` when they
/// hold commas, quotes (doubled) or line breaks; lines end with LF or CRLF. Works on bytes,
/// so it is fast and leaves decoding to the caller.
public struct CSVRecords: Sequence, IteratorProtocol {
    /// One record: its first line number (1-based) and its fields as bytes.
    public struct Record {
        public let line: Int
        public let fields: [ArraySlice<UInt8>]
    }

    /// A quote was opened and never closed.
    public struct Unterminated: Error, Sendable {
        public let line: Int
    }

    private let bytes: [UInt8]
    private var index: Int
    private var line = 1
    /// How far through the bytes the records have been read (0 to 1).
    public var fraction: Double { bytes.isEmpty ? 1 : Double(index) / Double(bytes.count) }
    public private(set) var failure: Unterminated?

    public init(_ bytes: [UInt8], startingAt index: Int = 0) {
        self.bytes = bytes
        self.index = index
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]), index == 0 { self.index = 3 }
    }

    public mutating func next() -> Record? {
        guard failure == nil, index < bytes.count else { return nil }
        let start = line
        var fields: [ArraySlice<UInt8>] = []
        var field: [UInt8] = []
        var quotedField = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") && field.isEmpty && !quotedField {
                quotedField = true
                index += 1
                var closed = false
                while index < bytes.count {
                    let inner = bytes[index]
                    if inner == UInt8(ascii: "\"") {
                        if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\"") {
                            field.append(inner)
                            index += 2
                            continue
                        }
                        index += 1
                        closed = true
                        break
                    }
                    if inner == UInt8(ascii: "\n") { line += 1 }
                    field.append(inner)
                    index += 1
                }
                if !closed {
                    failure = Unterminated(line: start)
                    return nil
                }
                continue
            }
            index += 1
            switch byte {
            case UInt8(ascii: ","):
                fields.append(field[...])
                field = []
                quotedField = false
            case UInt8(ascii: "\n"):
                line += 1
                if field.last == UInt8(ascii: "\r") && !quotedField { field.removeLast() }
                fields.append(field[...])
                if fields.count == 1 && fields[0].isEmpty { fields = []; field = []; quotedField = false; continue }
                return Record(line: start, fields: fields)
            default:
                field.append(byte)
            }
        }
        if field.last == UInt8(ascii: "\r") && !quotedField { field.removeLast() }
        fields.append(field[...])
        if fields.count == 1 && fields[0].isEmpty { return nil }
        return Record(line: start, fields: fields)
    }
}
